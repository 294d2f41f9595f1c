"""Reads of orders, filtered to what the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from voucher.accounts.models import Organisation
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.core.models import MoneyField
from voucher.core.permissions import has_capability
from voucher.enterprises.models import (
    CreditCheck,
    CreditListEntry,
    EnterpriseAuthentication,
    IndustryCode,
    QuotaAccount,
    SizeClassification,
)
from voucher.orders.models import Order
from voucher.orders.statements import Statement
from voucher.programmes.choices import RequirementKind
from voucher.programmes.models import Requirement
from voucher.standing import barred


def orders_visible_to(user: Any) -> QuerySet[Order]:
    """The enterprise's own orders, the provider's received orders, or all for the Bureau and reviewers."""
    orders = Order.objects.select_related("product", "enterprise", "provider", "product__direction")
    if not getattr(user, "is_authenticated", False):
        return orders.none()
    if has_capability(user, "records.view_all"):
        return orders
    if has_capability(user, "party.enterprise"):
        return orders.filter(enterprise_id=user.organisation_id)
    if has_capability(user, "party.provider"):
        return orders.filter(provider_id=user.organisation_id)
    return orders.none()


def order_list(user: Any, *, status: str | None = None) -> QuerySet[Order]:
    """The user's orders, each with the figure of its current stage (:func:`with_stage_figures`)."""
    orders = with_stage_figures(orders_visible_to(user))
    return orders.filter(status=status) if status else orders


@dataclass(frozen=True)
class StageFigure:
    """A stage an order reaches after it is placed, and the money figure the order list shows for it.

    ``amount`` builds the figure's expression on an order queryset (``None`` until the stage is reached);
    ``reached`` (optional) builds the condition that the stage is reached when that is not "the amount is
    set". Later stages have a higher ``rank``.
    """

    rank: int
    label: str
    amount: Callable[[], Any]
    reached: Callable[[], Q] | None = None


_stage_figures: dict[str, StageFigure] = {}


def register_stage_figure(key: str, figure: StageFigure) -> None:
    """Add the figure of a later stage to the order list (each stage's own app registers its figure in its
    ``AppConfig.ready``, so the order list never reaches up into the contract, claim or payout layers)."""
    _stage_figures[key] = figure


BASE_STAGE_LABEL = "预占补贴"


def with_stage_figures(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Annotate ``stage_label`` and ``stage_amount``: the money figure of the order's current stage.

    预占补贴 (the estimate reserved at ordering) until a later stage registered with
    :func:`register_stage_figure` is reached — 合同抵用额 once a contract sets it, then 核定兑付 once the
    claim is approved, then 已兑付 once its payout is marked paid.
    """
    stages = sorted(_stage_figures.items(), key=lambda item: -item[1].rank)
    amounts = {f"stage_{key}_amount": figure.amount() for key, figure in stages}
    orders = orders.annotate(**amounts)
    whens = [
        When(
            figure.reached() if figure.reached is not None else Q(**{f"stage_{key}_amount__isnull": False}),
            then=Value(figure.label),
        )
        for key, figure in stages
    ]
    figures = [F(name) for name in amounts]
    if not figures:
        return orders.annotate(stage_amount=F("subsidy_estimate"), stage_label=Value(BASE_STAGE_LABEL))
    return orders.annotate(
        stage_amount=Coalesce(*figures, F("subsidy_estimate"), output_field=MoneyField()),
        stage_label=Case(*whens, default=Value(BASE_STAGE_LABEL), output_field=CharField()),
    )


@dataclass
class OrderFacts:
    """The ordering enterprise and what the O2 checks need about it, read by :func:`order_facts`."""

    enterprise: Organisation
    authentication: EnterpriseAuthentication | None
    classification: SizeClassification | None
    industry: IndustryCode | None
    last_credit: CreditCheck | None
    credit_checked_today: bool
    credit_listed: bool
    account: QuotaAccount | None
    sanctioned: bool
    provider_sanctioned: bool
    industry_rule: bool
    submitted_id: int | None = None


ORGANISATION_FIELDS = tuple(f.attname for f in Organisation._meta.concrete_fields)
AUTHENTICATION_FIELDS = ("id", "status", "reason", "refusal_code")
FACT_NAMES = (
    "classification_id", "classification_eligible", "classification_reason", "classification_refusal_code",
    "industry_code", "industry_name", "credit_id", "credit_context", "credit_outcome", "credit_reason",
    "credit_checked_at", "account_id", "account_available", "sanctioned", "provider_sanctioned",
    "credit_listed", "industry_rule", "submitted_id",
)  # fmt: skip


def _facts_query(
    *,
    enterprise_id: int,
    programme_id: int,
    provider_id: int,
    direction_id: int,
    today: dt.date,
    idempotency_key: str,
) -> QuerySet[Any]:
    """The statement of :func:`order_facts`: the enterprise's row and every O2 fact, one row."""
    enterprise = OuterRef("pk")
    latest_credit = CreditCheck.objects.filter(organisation=enterprise).order_by("-checked_at", "-id")[:1]
    return (
        Organisation.objects.filter(pk=enterprise_id)
        .annotate(
            current_classification=FilteredRelation(
                "size_classifications",
                condition=Q(size_classifications__programme_id=programme_id)
                & Q(size_classifications__is_current=True),
            ),
            year_account=FilteredRelation(
                "quota_accounts", condition=Q(quota_accounts__programme_id=programme_id)
            ),
        )
        .annotate(
            classification_id=F("current_classification__id"),
            classification_eligible=F("current_classification__eligible"),
            classification_reason=F("current_classification__reason"),
            classification_refusal_code=F("current_classification__refusal_code"),
            industry_code=F("current_classification__industry__code"),
            industry_name=F("current_classification__industry__name"),
            credit_id=Subquery(latest_credit.values("pk")),
            credit_context=Subquery(latest_credit.values("context")),
            credit_outcome=Subquery(latest_credit.values("outcome")),
            credit_reason=Subquery(latest_credit.values("reason")),
            credit_checked_at=Subquery(latest_credit.values("checked_at")),
            account_id=F("year_account__id"),
            account_available=F("year_account__available"),
            sanctioned=barred(enterprise, today),
            provider_sanctioned=barred(provider_id, today),
            credit_listed=Exists(CreditListEntry.objects.filter(uscc=OuterRef("uscc"), active=True)),
            industry_rule=Exists(
                Requirement.objects.filter(
                    direction_id=direction_id, kind=RequirementKind.ENTERPRISE_INDUSTRY
                )
            ),
            submitted_id=Subquery(
                Order.objects.submitted(enterprise=enterprise, key=idempotency_key).values("pk")[:1]
            ),
        )
        .values(
            *ORGANISATION_FIELDS,
            *(f"authentication__{name}" for name in AUTHENTICATION_FIELDS),
            *FACT_NAMES,
        )[:1]
    )


FACTS = Statement(
    "orders.facts",
    _facts_query,
    {
        "enterprise_id": -7_100_000_001,
        "programme_id": -7_100_000_002,
        "provider_id": -7_100_000_003,
        "direction_id": -7_100_000_004,
        "today": dt.date(1901, 2, 3),
        "idempotency_key": "\x1forders-facts-stand-in",
    },
)


def order_facts(
    *, enterprise_id: int, product: Product, today: dt.date, idempotency_key: str = ""
) -> OrderFacts:
    """Everything the O2 checks need about the ordering enterprise, in one statement.

    The enterprise row with its authentication, the year's current classification and its main-business
    industry, the latest credit check (and whether it was made today), the year's quota account, whether a
    sanction is in force today against the enterprise or against the product's provider (E7), whether the
    credit list names the enterprise's credit code at all, and whether the product's direction has an
    industry rule (E5), and the id of the enterprise's order already submitted with ``idempotency_key``.
    Raises ``Organisation.DoesNotExist`` for an unknown enterprise.
    Kept whole: one statement on the launch-day hot path, its row read into the facts in a single pass.
    """
    row = FACTS.row(
        enterprise_id=enterprise_id,
        programme_id=product.programme_id,
        provider_id=product.provider_id,
        direction_id=product.direction_id,
        today=today,
        idempotency_key=idempotency_key,
    )
    if row is None:
        raise Organisation.DoesNotExist
    day_start = dt.datetime.combine(today, dt.time.min, tzinfo=clock.SHANGHAI)
    enterprise = Organisation.from_db(
        "default", ORGANISATION_FIELDS, [row[name] for name in ORGANISATION_FIELDS]
    )
    checked_at = row["credit_checked_at"]
    return OrderFacts(
        enterprise=enterprise,
        authentication=EnterpriseAuthentication(
            pk=row["authentication__id"],
            organisation_id=enterprise.pk,
            status=row["authentication__status"],
            reason=row["authentication__reason"],
            refusal_code=row["authentication__refusal_code"],
        )
        if row["authentication__id"] is not None
        else None,
        classification=SizeClassification(
            pk=row["classification_id"],
            eligible=bool(row["classification_eligible"]),
            reason=row["classification_reason"],
            refusal_code=row["classification_refusal_code"],
        )
        if row["classification_id"] is not None
        else None,
        industry=IndustryCode(code=row["industry_code"], name=row["industry_name"])
        if row["industry_code"]
        else None,
        last_credit=CreditCheck(
            pk=row["credit_id"],
            context=row["credit_context"],
            outcome=row["credit_outcome"],
            reason=row["credit_reason"],
        )
        if row["credit_id"] is not None
        else None,
        credit_checked_today=checked_at is not None and checked_at >= day_start,
        credit_listed=bool(row["credit_listed"]),
        account=QuotaAccount(pk=row["account_id"], available=row["account_available"])
        if row["account_id"] is not None
        else None,
        sanctioned=bool(row["sanctioned"]),
        provider_sanctioned=bool(row["provider_sanctioned"]),
        industry_rule=bool(row["industry_rule"]),
        submitted_id=row["submitted_id"],
    )

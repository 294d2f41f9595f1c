"""Reads of orders, filtered to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Case, CharField, F, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from voucher.accounts.choices import Role
from voucher.accounts.models import Organisation
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.core.models import MoneyField
from voucher.enterprises.models import (
    CreditCheck,
    CreditListEntry,
    EnterpriseAuthentication,
    IndustryCode,
    QuotaAccount,
    SizeClassification,
)
from voucher.orders.models import Order
from voucher.programmes.choices import RequirementKind
from voucher.programmes.models import Requirement
from voucher.standing import barred_sql


def orders_visible_to(user: Any) -> QuerySet[Order]:
    """The enterprise's own orders, the provider's received orders, or all for the Bureau and reviewers."""
    orders = Order.objects.select_related("product", "enterprise", "provider", "product__direction")
    if not getattr(user, "is_authenticated", False):
        return orders.none()
    if user.has_role(Role.ADMIN, Role.REVIEWER):
        return orders
    if user.has_role(Role.ENTERPRISE):
        return orders.filter(enterprise_id=user.organisation_id)
    if user.has_role(Role.PROVIDER):
        return orders.filter(provider_id=user.organisation_id)
    return orders.none()


def order_list(user: Any, *, status: str | None = None) -> QuerySet[Order]:
    """The user's orders, each with the figure of its current stage (:func:`with_stage_figures`)."""
    orders = with_stage_figures(orders_visible_to(user))
    return orders.filter(status=status) if status else orders


def with_stage_figures(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Annotate ``stage_label`` and ``stage_amount``: the money figure of the order's current stage.

    预占补贴 (the estimate reserved at ordering) until a contract sets 合同抵用额, then 核定兑付 once the
    claim is approved, then 已兑付 once its payout is marked paid.
    """
    paid_item = apps.get_model("payouts", "PayoutItem").objects.filter(
        claim__order=OuterRef("pk"), status="paid"
    )
    paid = Subquery(
        paid_item.values("claim").annotate(total=Sum("amount")).values("total")[:1],
        output_field=MoneyField(),
    )
    return orders.annotate(
        paid_amount=paid,
        stage_amount=Coalesce(
            paid,
            F("claim__approved_payout"),
            F("contract__deduction"),
            F("subsidy_estimate"),
            output_field=MoneyField(),
        ),
        stage_label=Case(
            When(paid_amount__isnull=False, then=Value("已兑付")),
            When(claim__approved_payout__isnull=False, then=Value("核定兑付")),
            When(contract__isnull=False, then=Value("合同抵用额")),
            default=Value("预占补贴"),
            output_field=CharField(),
        ),
    )


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _facts_sql() -> str:
    """One statement for :func:`order_facts`, portable between SQLite and PostgreSQL."""
    org, auth = _table(Organisation), _table(EnterpriseAuthentication)
    cls, industry, credit = _table(SizeClassification), _table(IndustryCode), _table(CreditCheck)
    account = _table(QuotaAccount)
    listed, rule, order = _table(CreditListEntry), _table(Requirement), _table(Order)
    return f"""
        SELECT o.*,
            a.id AS auth_id, a.status AS auth_status, a.reason AS auth_reason,
            a.refusal_code AS auth_refusal_code,
            s.id AS classification_id, s.eligible AS classification_eligible,
            s.reason AS classification_reason, s.refusal_code AS classification_refusal_code,
            i.code AS industry_code, i.name AS industry_name,
            c.id AS credit_id, c.context AS credit_context, c.outcome AS credit_outcome,
            c.reason AS credit_reason,
            CASE WHEN c.checked_at >= %(day_start)s THEN 1 ELSE 0 END AS credit_checked_today,
            q.id AS account_id, q.available AS account_available,
            CASE WHEN {barred_sql("o.id")} THEN 1 ELSE 0 END AS sanctioned,
            CASE WHEN {barred_sql("%(provider)s")} THEN 1 ELSE 0 END AS provider_sanctioned,
            CASE WHEN EXISTS (SELECT 1 FROM {listed} e WHERE e.uscc = o.uscc AND e.active = %(yes)s)
                THEN 1 ELSE 0 END AS credit_listed,
            CASE WHEN EXISTS (SELECT 1 FROM {rule} r WHERE r.direction_id = %(direction)s AND r.kind = %(kind)s)
                THEN 1 ELSE 0 END AS industry_rule,
            (SELECT MAX(d.id) FROM {order} d WHERE d.enterprise_id = o.id AND d.idempotency_key = %(key)s)
                AS submitted_id
        FROM {org} o
        LEFT JOIN {auth} a ON a.organisation_id = o.id
        LEFT JOIN {cls} s ON s.id = (
            SELECT s2.id FROM {cls} s2
            WHERE s2.organisation_id = o.id AND s2.programme_id = %(programme)s AND s2.is_current = %(yes)s
            ORDER BY s2.classified_at DESC, s2.id DESC LIMIT 1)
        LEFT JOIN {industry} i ON i.id = s.industry_id
        LEFT JOIN {credit} c ON c.id = (
            SELECT c2.id FROM {credit} c2 WHERE c2.organisation_id = o.id
            ORDER BY c2.checked_at DESC, c2.id DESC LIMIT 1)
        LEFT JOIN {account} q ON q.organisation_id = o.id AND q.programme_id = %(programme)s
        WHERE o.id = %(enterprise)s
    """  # noqa: S608 — table names come from the models; every value is a parameter


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
    """
    ops = connection.ops
    params = {
        "day": ops.adapt_datefield_value(today),
        "day_start": ops.adapt_datetimefield_value(
            dt.datetime.combine(today, dt.time.min, tzinfo=clock.SHANGHAI)
        ),
        "provider": product.provider_id,
        "yes": True,
        "direction": product.direction_id,
        "kind": RequirementKind.ENTERPRISE_INDUSTRY.value,
        "programme": product.programme_id,
        "enterprise": enterprise_id,
        "key": idempotency_key,
    }
    rows = list(Organisation.objects.raw(_facts_sql(), params))
    if not rows:
        raise Organisation.DoesNotExist
    row: Any = rows[0]
    return OrderFacts(
        enterprise=row,
        authentication=EnterpriseAuthentication(
            pk=row.auth_id,
            organisation_id=row.pk,
            status=row.auth_status,
            reason=row.auth_reason,
            refusal_code=row.auth_refusal_code,
        )
        if row.auth_id is not None
        else None,
        classification=SizeClassification(
            pk=row.classification_id,
            eligible=bool(row.classification_eligible),
            reason=row.classification_reason,
            refusal_code=row.classification_refusal_code,
        )
        if row.classification_id is not None
        else None,
        industry=IndustryCode(code=row.industry_code, name=row.industry_name) if row.industry_code else None,
        last_credit=CreditCheck(
            pk=row.credit_id, context=row.credit_context, outcome=row.credit_outcome, reason=row.credit_reason
        )
        if row.credit_id is not None
        else None,
        credit_checked_today=bool(row.credit_checked_today),
        credit_listed=bool(row.credit_listed),
        account=QuotaAccount(pk=row.account_id, available=Decimal(str(row.account_available)))
        if row.account_id is not None
        else None,
        sanctioned=bool(row.sanctioned),
        provider_sanctioned=bool(row.provider_sanctioned),
        industry_rule=bool(row.industry_rule),
        submitted_id=row.submitted_id,
    )

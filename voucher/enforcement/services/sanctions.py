"""Sanctions (M5, E7): recording a violation case with its suspensions, clawbacks and bans in one
transaction, and lifting a sanction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from voucher.accounts.models import Organisation
from voucher.accounts.selectors import active_members
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.catalogue.services import product_suspend
from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.core import clock, periods
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import FieldErrors
from voucher.core.notifications import notify
from voucher.enforcement import permissions
from voucher.enforcement.choices import (
    ClawbackOrigin,
    ClawbackReason,
    Party,
    ViolationKind,
)
from voucher.enforcement.models import (
    Sanction,
    SanctionCase,
    SpotCheckItem,
)
from voucher.enforcement.services.clawbacks import _open, clawable
from voucher.enforcement.services.common import ITEM_AUDIT, SANCTION_AUDIT, TEXT_MAX, _text
from voucher.orders.models import Order
from voucher.programmes.models import ProgrammeYear
from voucher.programmes.selectors import programme_current

# --- sanctions (M5, E7) ------------------------------------------------------------------------------


def sanction_period(decided_on: dt.date, years: int) -> tuple[dt.date, dt.date]:
    """The ban ("3年内"): in force from the decision date; its ``years`` are counted from the next day and
    end on the same date ``years`` later (民法典 Art. 201–202, :func:`voucher.core.periods.last_day`)."""
    return decided_on, periods.last_day(decided_on, years=years)


def claims_in_scope(
    *,
    parties: Iterable[int],
    orders: Iterable[Order] = (),
    products: Iterable[Product] = (),
    claims: Iterable[Claim] = (),
) -> QuerySet[Claim]:
    """The approved claims a case claws back: those of the listed claims, orders and products that involve
    a sanctioned party — or, when the case lists none, every approved claim of the sanctioned parties."""
    party_ids = list(parties)
    base = Claim.objects.filter(status=ClaimStatus.APPROVED).filter(
        Q(enterprise_id__in=party_ids) | Q(provider_id__in=party_ids)
    )
    claim_ids = [c.pk for c in claims]
    order_ids = [o.pk for o in orders]
    product_ids = [p.pk for p in products]
    if not (claim_ids or order_ids or product_ids):
        return base
    return base.filter(Q(pk__in=claim_ids) | Q(order_id__in=order_ids) | Q(order__product_id__in=product_ids))


def _check_involvement(
    errors: FieldErrors,
    enterprise: Organisation | None,
    provider: Organisation | None,
    parties: dict[int, Party],
    orders: list[Order],
    products: list[Product],
    claims: list[Claim],
) -> None:
    """The parties must be an enterprise and/or a provider, and every order, product and claim named in
    the case must involve one of them."""
    if enterprise is None and provider is None:
        errors.add("enterprise", "no_party", "请至少选择一个被处理单位（企业或服务商）。")
    if enterprise is not None and not enterprise.is_enterprise:
        errors.add("enterprise", "not_enterprise", f"“{enterprise.name}”不是企业。")
    if provider is not None and not provider.is_provider:
        errors.add("provider", "not_provider", f"“{provider.name}”不是服务商。")
    for order in orders:
        if order.enterprise_id not in parties and order.provider_id not in parties:
            errors.add("orders", "not_involved", f"订单 {order.number} 不涉及被处理单位。")
    for product in products:
        bought = Order.objects.filter(product=product, enterprise_id__in=list(parties)).exists()
        if product.provider_id not in parties and not bought:
            errors.add("products", "not_involved", f"产品“{product.name}”与被处理单位无关。")
    for claim in claims:
        if claim.enterprise_id not in parties and claim.provider_id not in parties:
            errors.add("claims", "not_involved", f"订单 {claim.order.number} 的兑券申请不涉及被处理单位。")


def _record_case(
    actor: Any,
    kind: str,
    facts: str,
    decided_on: dt.date,
    now: dt.datetime,
    orders: list[Order],
    products: list[Product],
    claims: list[Claim],
) -> SanctionCase:
    """The case itself, with the orders, products and claims it names."""
    case = SanctionCase.objects.create(
        kind=kind, facts=facts, decided_on=decided_on, decided_at=now, decided_by=actor
    )
    case.orders.set(orders)
    case.products.set(products)
    case.claims.set(claims)
    audit_record(
        actor=actor,
        action="sanction_case.recorded",
        obj=case,
        after={
            "kind": kind,
            "decided_on": decided_on,
            "orders": [o.number for o in orders],
            "products": [p.pk for p in products],
            "claims": [c.pk for c in claims],
        },
        note=facts[:300],
    )
    return case


def _ban(
    actor: Any,
    case: SanctionCase,
    org_id: int,
    party: str,
    starts_on: dt.date,
    ends_on: dt.date,
    now: dt.datetime,
) -> Sanction:
    """One party's ban for the sanction period."""
    sanction = Sanction.objects.create(
        case=case,
        organisation_id=org_id,
        party=party,
        kind=case.kind,
        facts=case.facts,
        starts_on=starts_on,
        ends_on=ends_on,
        decided_at=now,
        decided_by=actor,
    )
    audit_record(
        actor=actor, action="sanction.recorded", obj=sanction, after=snapshot(sanction, SANCTION_AUDIT)
    )
    return sanction


def _suspend_products(
    actor: Any, case: SanctionCase, provider: Organisation | None, products: list[Product]
) -> None:
    """终止其服务产品交易: the products named in the case and everything a sanctioned provider has on sale."""
    to_suspend = {p.pk for p in products}
    if provider is not None:
        to_suspend |= set(
            Product.objects.filter(provider=provider, status=ProductStatus.ON_SALE).values_list(
                "pk", flat=True
            )
        )
    for product in Product.objects.filter(pk__in=to_suspend, status=ProductStatus.ON_SALE).order_by("pk"):
        product_suspend(
            actor=actor, product=product, reason=f"违规处理 {case.number}：{case.get_kind_display()}"
        )


def _open_clawbacks(
    actor: Any,
    case: SanctionCase,
    parties: dict[int, Party],
    orders: list[Order],
    products: list[Product],
    claims: list[Claim],
) -> None:
    """追回补贴资金: the affected approved claims, for whatever has not been clawed back yet."""
    for claim in claims_in_scope(parties=parties, orders=orders, products=products, claims=claims).order_by(
        "pk"
    ):
        outstanding = clawable(claim)
        if outstanding > 0:
            _open(
                actor=actor,
                claim=claim,
                origin=ClawbackOrigin.SANCTION,
                reason_kind=ClawbackReason.VIOLATION,
                amount=outstanding,
                reason=f"违规处理 {case.number}（{case.get_kind_display()}）：{case.facts}"[:TEXT_MAX],
                case=case,
            )


def _link_item(actor: Any, spot_check_item: SpotCheckItem, case: SanctionCase) -> None:
    """The spot-check finding the case came from points to it."""
    item = SpotCheckItem.objects.select_for_update().get(pk=spot_check_item.pk)
    before = snapshot(item, ITEM_AUDIT)
    item.case = case
    item.save(update_fields=["case"])
    audit_record(
        actor=actor,
        action="spot_check_item.case_linked",
        obj=item,
        before=before,
        after=snapshot(item, ITEM_AUDIT),
    )


@transaction.atomic
def sanction_record(
    *,
    actor: Any,
    kind: str,
    facts: str,
    enterprise: Organisation | None = None,
    provider: Organisation | None = None,
    decided_on: dt.date | None = None,
    orders: Iterable[Order] = (),
    products: Iterable[Product] = (),
    claims: Iterable[Claim] = (),
    programme: ProgrammeYear | None = None,
    spot_check_item: SpotCheckItem | None = None,
) -> SanctionCase:
    """Record a violation case (guide 五、5) and apply it: ban each party for ``sanction_years`` from the
    decision date, suspend the products involved (every on-sale product of a sanctioned provider), open
    clawbacks for the affected approved claims, notify the parties. All or nothing."""
    permissions.can_manage_sanctions(actor).enforce()
    errors = FieldErrors()
    if kind not in ViolationKind.values:
        errors.add("kind", "invalid_kind", "请选择违规类型。")
    facts = _text(errors, "facts", facts, "违规事实")
    today = clock.today()
    decided_on = decided_on or today
    if decided_on > today:
        errors.add("decided_on", "future_date", "处理决定日不能晚于今天。")
    orders, products, claims = list(orders), list(products), list(claims)
    parties = {
        org.pk: party for org, party in ((enterprise, Party.ENTERPRISE), (provider, Party.PROVIDER)) if org
    }
    _check_involvement(errors, enterprise, provider, parties, orders, products, claims)
    programme = programme or programme_current()
    if programme is None:
        errors.add("__all__", "no_programme", "尚未设置年度政策。")
    errors.raise_any()
    assert programme is not None
    for org_id in parties:
        Organisation.objects.select_for_update().get(pk=org_id)

    now = clock.now()
    case = _record_case(actor, kind, facts, decided_on, now, orders, products, claims)
    starts_on, ends_on = sanction_period(decided_on, programme.sanction_years)
    sanctions = [
        _ban(actor, case, org_id, party, starts_on, ends_on, now) for org_id, party in parties.items()
    ]
    _suspend_products(actor, case, provider, products)
    _open_clawbacks(actor, case, parties, orders, products, claims)
    if spot_check_item is not None:
        _link_item(actor, spot_check_item, case)
    for sanction in sanctions:
        notify(
            recipients=active_members(sanction.organisation_id, "enforcement.view_own"),
            kind="sanction_recorded",
            title=f"违规处理决定：{sanction.get_kind_display()}",
            body=sanction.reason,
            url=reverse("enforcement:records"),
        )
    return case


@transaction.atomic
def sanction_lift(*, actor: Any, sanction: Sanction, reason: str) -> Sanction:
    """Lift a ban early: only the Bureau, only with a reason; audited and notified to the party.
    Suspended products are not resumed automatically (``product_resume``)."""
    permissions.is_admin(actor).enforce()
    errors = FieldErrors()
    reason = _text(errors, "reason", reason, "解除理由")
    errors.raise_any()
    locked = Sanction.objects.select_for_update().get(pk=sanction.pk)
    permissions.can_lift_sanction(actor, locked).enforce()
    before = snapshot(locked, SANCTION_AUDIT)
    locked.lifted_at = clock.now()
    locked.lifted_by = actor
    locked.lift_reason = reason
    locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit_record(
        actor=actor,
        action="sanction.lifted",
        obj=locked,
        before=before,
        after=snapshot(locked, SANCTION_AUDIT),
        note=reason,
    )
    notify(
        recipients=active_members(locked.organisation_id, "enforcement.view_own"),
        kind="sanction_lifted",
        title=f"违规处理已解除：{locked.get_kind_display()}",
        body=reason,
        url=reverse("enforcement:records"),
    )
    return locked

"""Oversight writes (SPEC M1, M2, M5, E7; guide 五、3–5).

Sanctions: :func:`sanction_record` records one violation case against an enterprise and/or a provider and,
in the same transaction, suspends the products involved (all on-sale products of a sanctioned provider),
opens clawbacks for the affected approved claims and bans each party from the decision date until the
day before the same date ``sanction_years`` later. The ban is enforced where orders, product
applications and claims are submitted (``selectors.sanction_refusal``). Lifting needs an admin and a reason.

Clawbacks: the provider reports a refund or missing service on its approved claim, or the Bureau opens
one; repayments are recorded until the amount due is repaid, or the Bureau waives the rest with a
reason. The quota effect follows the programme's ``clawback_restores_quota``: when set, each repayment
moves the amount from the enterprise's paid bucket back to available (``quota_claw_back``) once the claim
has been paid out; otherwise the ledger is not moved — the paid amount stays used — and the clawback
records that rule.

Spot checks: the Bureau draws a reproducible sample (see :mod:`voucher.enforcement.sampling`), assigns
inspectors, who record findings; the check closes when every item has an outcome.

Locking order: claim, then clawback, then the enterprise's quota account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from voucher.accounts.choices import Role
from voucher.accounts.models import Organisation, User
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.catalogue.services import product_suspend
from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.contracts.models import Contract
from voucher.core import clock, periods
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import FieldErrors, positive_money
from voucher.core.money import format_cny
from voucher.core.notifications import notify
from voucher.core.uploads import JPEG, PDF, PNG, display_file_name, inspect_upload
from voucher.enforcement import permissions, sampling
from voucher.enforcement.choices import (
    POPULATION_STATUSES,
    PROVIDER_REASONS,
    ClawbackAction,
    ClawbackOrigin,
    ClawbackReason,
    ClawbackStatus,
    FindingOutcome,
    Party,
    SpotCheckAction,
    SpotCheckTarget,
    ViolationKind,
)
from voucher.enforcement.models import (
    Clawback,
    ClawbackRepayment,
    Sanction,
    SanctionCase,
    SpotCheck,
    SpotCheckItem,
)
from voucher.enforcement.transitions import CLAWBACK, SPOT_CHECK
from voucher.enterprises.choices import LedgerKind
from voucher.enterprises.models import QuotaAccount, QuotaLedgerEntry
from voucher.enterprises.services import quota_claw_back
from voucher.orders.models import Order
from voucher.programmes.models import ProgrammeYear
from voucher.programmes.selectors import programme_current

TEXT_MAX = 2000
SANCTION_AUDIT = ["organisation_id", "party", "kind", "starts_on", "ends_on", "lifted_at", "lift_reason"]
CLAWBACK_AUDIT = ["amount_due", "repaid", "status", "restores_quota", "closed_at", "waive_reason"]
ITEM_AUDIT = ["inspector_id", "outcome", "findings", "case_id"]
EVIDENCE_TYPES = (PDF, PNG, JPEG)


def _refuse(field: str, code: str, message: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _text(errors: FieldErrors, field: str, value: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.add(field, "required", f"请填写{label}。")
    elif len(value) > TEXT_MAX:
        errors.add(field, "too_long", f"{label}不能超过 {TEXT_MAX} 字。")
    return value


def _members(organisation_id: int, *roles: str) -> QuerySet[User]:
    return User.objects.filter(organisation_id=organisation_id, role__in=roles, is_active=True)


def _admins() -> QuerySet[User]:
    return User.objects.filter(role=Role.ADMIN, is_active=True)


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
    if enterprise is None and provider is None:
        errors.add("enterprise", "no_party", "请至少选择一个被处理单位（企业或服务商）。")
    if enterprise is not None and not enterprise.is_enterprise:
        errors.add("enterprise", "not_enterprise", f"“{enterprise.name}”不是企业。")
    if provider is not None and not provider.is_provider:
        errors.add("provider", "not_provider", f"“{provider.name}”不是服务商。")
    orders, products, claims = list(orders), list(products), list(claims)
    parties = {
        org.pk: party for org, party in ((enterprise, Party.ENTERPRISE), (provider, Party.PROVIDER)) if org
    }
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
    programme = programme or programme_current()
    if programme is None:
        errors.add("__all__", "no_programme", "尚未设置年度政策。")
    errors.raise_any()
    assert programme is not None
    for org_id in parties:
        Organisation.objects.select_for_update().get(pk=org_id)

    now = clock.now()
    starts_on, ends_on = sanction_period(decided_on, programme.sanction_years)
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
    sanctions = []
    for org_id, party in parties.items():
        sanction = Sanction.objects.create(
            case=case,
            organisation_id=org_id,
            party=party,
            kind=kind,
            facts=facts,
            starts_on=starts_on,
            ends_on=ends_on,
            decided_at=now,
            decided_by=actor,
        )
        sanctions.append(sanction)
        audit_record(
            actor=actor, action="sanction.recorded", obj=sanction, after=snapshot(sanction, SANCTION_AUDIT)
        )

    # 终止其服务产品交易: the products named in the case and everything a sanctioned provider has on sale.
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

    # 追回补贴资金: the affected approved claims, for whatever has not been clawed back yet.
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
                reason=f"违规处理 {case.number}（{case.get_kind_display()}）：{facts}"[:TEXT_MAX],
                case=case,
            )

    if spot_check_item is not None:
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

    for sanction in sanctions:
        notify(
            recipients=_members(sanction.organisation_id, Role.ENTERPRISE, Role.PROVIDER),
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
        recipients=_members(locked.organisation_id, Role.ENTERPRISE, Role.PROVIDER),
        kind="sanction_lifted",
        title=f"违规处理已解除：{locked.get_kind_display()}",
        body=reason,
        url=reverse("enforcement:records"),
    )
    return locked


# --- clawbacks (M1) ----------------------------------------------------------------------------------


def clawable(claim: Claim) -> Decimal:
    """What may still be clawed back on ``claim``: the approved payout less every clawback's amount due
    (for a waived clawback, only what was actually repaid counts)."""
    if claim.approved_payout is None:
        return Decimal("0.00")
    taken = Decimal("0.00")
    for row in Clawback.objects.filter(claim=claim).values("status", "amount_due", "repaid"):
        taken += row["repaid"] if row["status"] == ClawbackStatus.WAIVED else row["amount_due"]
    return claim.approved_payout - taken


def _open(
    *,
    actor: Any,
    claim: Claim,
    origin: str,
    reason_kind: str,
    amount: Decimal,
    reason: str,
    case: SanctionCase | None = None,
    evidence: Any = None,
) -> Clawback:
    clawback = Clawback(
        claim=claim,
        programme_id=claim.programme_id,
        enterprise_id=claim.enterprise_id,
        provider_id=claim.provider_id,
        origin=origin,
        case=case,
        reason_kind=reason_kind,
        reason=reason,
        amount_due=amount,
        restores_quota=claim.programme.clawback_restores_quota,
        opened_at=clock.now(),
        opened_by=actor,
    )
    if evidence is not None:
        name = display_file_name(str(evidence.name or ""))
        inspected = inspect_upload(evidence, allowed=EVIDENCE_TYPES, field="file", name=name)
        evidence.seek(0)
        clawback.evidence.save(name, ContentFile(evidence.read()), save=False)
        clawback.evidence_name = name
        clawback.evidence_type = inspected.content_type
        clawback.evidence_sha256 = inspected.sha256
    clawback.save()
    audit_record(
        actor=actor,
        action="clawback.opened",
        obj=clawback,
        after={**snapshot(clawback, CLAWBACK_AUDIT), "origin": origin, "reason_kind": reason_kind},
        note=reason[:300],
    )
    effect = "退回后恢复企业额度" if clawback.restores_quota else "已兑付额度仍计为企业已使用额度"
    body = f"应退回 {format_cny(amount)}（{clawback.get_reason_kind_display()}）。{effect}。"
    url = reverse("enforcement:clawback", args=[clawback.pk])
    notify(
        recipients=_members(claim.provider_id, Role.PROVIDER),
        kind="clawback_opened",
        title=f"资金追回 {clawback.number}：订单 {claim.order.number}",
        body=body,
        url=url,
    )
    if origin == ClawbackOrigin.PROVIDER_REPORT:
        notify(
            recipients=_admins(),
            kind="clawback_reported",
            title=f"服务商上报退款/未开展服务：订单 {claim.order.number}",
            body=body,
            url=url,
        )
    return clawback


def _check_amount(errors: FieldErrors, claim: Claim, amount: Any) -> Decimal | None:
    value = positive_money(errors, "amount", amount, "追回金额")
    if value is None:
        return None
    limit = clawable(claim)
    if value > limit:
        errors.add(
            "amount",
            "above_payout",
            f"追回金额不能超过核定兑付金额 {format_cny(claim.approved_payout or Decimal(0))}"
            f"（尚可追回 {format_cny(limit)}）。",
        )
        return None
    return value


def _lock_claim(claim: Claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("order", "programme", "enterprise", "provider")
        .get(pk=claim.pk)
    )


@transaction.atomic
def clawback_report(
    *, actor: Any, claim: Claim, reason_kind: str, amount: Any, reason: str, file: Any = None
) -> Clawback:
    """服务机构主动上报 (guide 五、4): the provider reports a refund or missing service after payout; a
    clawback opens for the amount (≤ the approved payout), with an optional supporting file."""
    permissions.can_report_refund(actor).enforce()
    locked = _lock_claim(claim)
    permissions.can_report_refund(actor, locked).enforce()
    errors = FieldErrors()
    if reason_kind not in PROVIDER_REASONS:
        errors.add("reason_kind", "invalid_reason", "请选择上报类型（全部退款、部分退款或未开展实质服务）。")
    reason = _text(errors, "reason", reason, "情况说明")
    value = _check_amount(errors, locked, amount)
    if file is not None:
        try:
            inspect_upload(file, allowed=EVIDENCE_TYPES, field="file")
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                errors.add("file", "invalid_file", message)
    errors.raise_any()
    assert value is not None
    return _open(
        actor=actor,
        claim=locked,
        origin=ClawbackOrigin.PROVIDER_REPORT,
        reason_kind=reason_kind,
        amount=value,
        reason=reason,
        evidence=file,
    )


@transaction.atomic
def clawback_open(*, actor: Any, claim: Claim, reason_kind: str, amount: Any, reason: str) -> Clawback:
    """The Bureau opens a clawback on an approved claim (e.g. found by a spot check)."""
    permissions.can_open_clawback(actor).enforce()
    locked = _lock_claim(claim)
    errors = FieldErrors()
    if locked.status != ClaimStatus.APPROVED:
        errors.add("claim", "claim_not_paid", "只有审核通过（已兑付）的兑券订单才能追回。")
    if reason_kind not in ClawbackReason.values:
        errors.add("reason_kind", "invalid_reason", "请选择追回原因。")
    reason = _text(errors, "reason", reason, "情况说明")
    value = _check_amount(errors, locked, amount) if locked.status == ClaimStatus.APPROVED else None
    errors.raise_any()
    assert value is not None
    return _open(
        actor=actor,
        claim=locked,
        origin=ClawbackOrigin.ADMIN,
        reason_kind=reason_kind,
        amount=value,
        reason=reason,
    )


def _lock_clawback(clawback: Clawback) -> Clawback:
    return (
        Clawback.objects.select_for_update(of=("self",))
        .select_related("claim", "claim__order", "programme")
        .get(pk=clawback.pk)
    )


def _paid_out(clawback: Clawback) -> bool:
    """Whether the claim's payout has reached the ledger's paid bucket (the payout batch's ``pay`` entry for
    the order). Before that the amount is still committed and a repayment leaves the ledger alone."""
    return QuotaLedgerEntry.objects.filter(
        account__organisation_id=clawback.enterprise_id,
        account__programme_id=clawback.programme_id,
        kind=LedgerKind.PAY,
        reference=clawback.claim.order.number,
    ).exists()


@transaction.atomic
def clawback_record_repayment(
    *, actor: Any, clawback: Clawback, paid_on: dt.date | None, amount: Any, reference: str
) -> ClawbackRepayment:
    """Record money returned (date, amount, bank reference); the total never exceeds the amount due.
    With ``restores_quota`` the amount moves from the enterprise's paid bucket back to available."""
    permissions.is_admin(actor).enforce()
    locked = _lock_clawback(clawback)
    permissions.can_settle_clawback(actor, locked).enforce()
    errors = FieldErrors()
    value = positive_money(errors, "amount", amount, "退回金额")
    reference = (reference or "").strip()
    if not reference:
        errors.add("reference", "required", "请填写银行流水号或凭证号。")
    elif len(reference) > 60:
        errors.add("reference", "too_long", "流水号不能超过 60 个字符。")
    elif locked.repayments.filter(reference=reference).exists():
        errors.add("reference", "duplicate_reference", f"流水号“{reference}”已登记过。")
    if paid_on is None:
        errors.add("paid_on", "required", "请填写退回日期。")
    elif paid_on > clock.today():
        errors.add("paid_on", "future_date", "退回日期不能晚于今天。")
    if value is not None and value > locked.amount_due - locked.repaid:
        errors.add(
            "amount",
            "above_outstanding",
            f"退回金额不能超过尚未退回的 {format_cny(locked.amount_due - locked.repaid)}。",
        )
    errors.raise_any()
    assert value is not None and paid_on is not None
    before = snapshot(locked, CLAWBACK_AUDIT)
    repayment = ClawbackRepayment.objects.create(
        clawback=locked,
        paid_on=paid_on,
        amount=value,
        reference=reference,
        recorded_at=clock.now(),
        recorded_by=actor,
    )
    locked.repaid += value
    if locked.repaid == locked.amount_due:
        CLAWBACK.move(locked, ClawbackAction.REPAY_IN_FULL)
        locked.closed_at = clock.now()
    else:
        CLAWBACK.move(locked, ClawbackAction.REPAY_PART)
    locked.save(update_fields=["repaid", "status", "closed_at"])
    audit_record(
        actor=actor,
        action="clawback.repaid",
        obj=locked,
        before=before,
        after=snapshot(locked, CLAWBACK_AUDIT),
        note=f"{paid_on:%Y-%m-%d} {format_cny(value)} {reference}",
    )
    if locked.restores_quota and _paid_out(locked):
        account = QuotaAccount.objects.get(
            organisation_id=locked.enterprise_id, programme_id=locked.programme_id
        )
        quota_claw_back(
            actor=actor,
            account=account,
            amount=value,
            reference=locked.claim.order.number,
            note=f"资金追回 {locked.number} 退回 {reference}",
        )
    notify(
        recipients=_members(locked.provider_id, Role.PROVIDER),
        kind="clawback_repaid",
        title=f"资金追回 {locked.number}：已登记退回 {format_cny(value)}",
        body=f"累计已退回 {format_cny(locked.repaid)} / 应退回 {format_cny(locked.amount_due)}。",
        url=reverse("enforcement:clawback", args=[locked.pk]),
    )
    return repayment


@transaction.atomic
def clawback_waive(*, actor: Any, clawback: Clawback, reason: str) -> Clawback:
    """核销: the Bureau stops recovering the rest of an open clawback, with a reason."""
    permissions.is_admin(actor).enforce()
    errors = FieldErrors()
    reason = _text(errors, "reason", reason, "核销理由")
    errors.raise_any()
    locked = _lock_clawback(clawback)
    permissions.can_settle_clawback(actor, locked).enforce()
    before = snapshot(locked, CLAWBACK_AUDIT)
    CLAWBACK.move(locked, ClawbackAction.WAIVE)
    locked.waive_reason = reason
    locked.waived_by = actor
    locked.closed_at = clock.now()
    locked.save(update_fields=["status", "waive_reason", "waived_by", "closed_at"])
    audit_record(
        actor=actor,
        action="clawback.waived",
        obj=locked,
        before=before,
        after=snapshot(locked, CLAWBACK_AUDIT),
        note=reason,
    )
    notify(
        recipients=_members(locked.provider_id, Role.PROVIDER),
        kind="clawback_waived",
        title=f"资金追回 {locked.number} 已核销",
        body=reason,
        url=reverse("enforcement:clawback", args=[locked.pk]),
    )
    return locked


# --- spot checks (M2) --------------------------------------------------------------------------------


def population_status(target: str, given: str) -> str:
    """The status code for ``given`` — a code or its Chinese label (``服务已完成``, or just ``已完成``).

    Raises a :class:`ValidationError` on ``status`` naming the statuses of ``target`` when none matches.
    """
    given = (given or "").strip()
    if not given:
        return ""
    choices = POPULATION_STATUSES.get(target, [])
    for code, label in choices:
        if given in (code, label):
            return code
    partial = [code for code, label in choices if given in label]
    if len(partial) == 1:
        return partial[0]
    allowed = "、".join(label for _, label in choices)
    what = SpotCheckTarget(target).label if target in SpotCheckTarget.values else "订单或合同"
    raise ValidationError(
        {"status": ValidationError(f"{what}的状态只能是：{allowed}。", code="invalid_status")}
    )


def eligible_population(programme: ProgrammeYear, target: str, filters: dict[str, str]) -> list[int]:
    """The sorted ids (orders or contracts) the filters select today."""
    direction = filters.get("direction") or ""
    status = filters.get("status") or ""
    rows: QuerySet[Any]
    if target == SpotCheckTarget.CONTRACTS:
        rows = Contract.objects.filter(programme=programme)
        if direction:
            rows = rows.filter(product__direction__code=direction)
    else:
        rows = Order.objects.filter(programme=programme)
        if direction:
            rows = rows.filter(product__direction__code=direction)
    if status:
        rows = rows.filter(status=status)
    return sorted(rows.values_list("pk", flat=True))


@transaction.atomic
def spot_check_draw(
    *,
    actor: Any,
    programme: ProgrammeYear,
    target: str,
    title: str = "",
    direction: str = "",
    status: str = "",
    size: int | None = None,
    percent: Decimal | None = None,
    seed: str = "",
) -> SpotCheck:
    """Draw a sample with a recorded seed (a fresh ``secrets`` seed when none is given); the population's
    ids and their hash are stored so the draw can be re-run and verified."""
    permissions.can_draw_spot_check(actor).enforce()
    errors = FieldErrors()
    if target not in SpotCheckTarget.values:
        errors.add("target", "invalid_target", "请选择抽查对象（订单或合同）。")
    if (size is None) == (percent is None):
        errors.add("size", "size_or_percent", "请填写抽样数量或抽样比例（二选一）。")
    if size is not None and size < 1:
        errors.add("size", "size_not_positive", "抽样数量至少为 1。")
    if percent is not None and not (Decimal(0) < percent <= Decimal(100)):
        errors.add("percent", "percent_range", "抽样比例须大于 0 且不超过 100。")
    seed = (seed or "").strip()
    if len(seed) > 128:
        errors.add("seed", "too_long", "随机种子不能超过 128 个字符。")
    if target in SpotCheckTarget.values:
        try:
            status = population_status(target, status)
        except ValidationError as exc:
            errors.add("status", "invalid_status", exc.message_dict["status"][0])
    errors.raise_any()
    filters = {k: v for k, v in {"direction": direction, "status": status}.items() if v}
    population = eligible_population(programme, target, filters)
    if not population:
        raise _refuse("__all__", "empty_population", "符合条件的订单或合同为 0，无法抽样。")
    sample_size = sampling.size_for(len(population), size=size, percent=percent)
    if sample_size > len(population):
        raise _refuse("size", "size_above_population", f"抽样数量不能超过符合条件的总数 {len(population)}。")
    seed = seed or sampling.new_seed()
    sample = sampling.draw(seed, population, sample_size)
    label = SpotCheckTarget(target).label
    check = SpotCheck.objects.create(
        programme=programme,
        target=target,
        title=(title or "").strip()[:100] or f"{programme.year} 年度{label}抽查",
        filters=filters,
        requested_size=size,
        requested_percent=percent,
        sample_size=sample_size,
        seed=seed,
        population_ids=population,
        population_count=len(population),
        population_hash=sampling.population_hash(population),
        sample_ids=sample,
        created_at=clock.now(),
        created_by=actor,
    )
    if target == SpotCheckTarget.CONTRACTS:
        contracts = Contract.objects.in_bulk(sample)
        items = [
            SpotCheckItem(
                spot_check=check, position=i + 1, order_id=contracts[pk].order_id, contract=contracts[pk]
            )
            for i, pk in enumerate(sample)
        ]
    else:
        items = [SpotCheckItem(spot_check=check, position=i + 1, order_id=pk) for i, pk in enumerate(sample)]
    SpotCheckItem.objects.bulk_create(items)
    audit_record(
        actor=actor,
        action="spot_check.drawn",
        obj=check,
        after={
            "target": target,
            "filters": filters,
            "seed": seed,
            "population_count": len(population),
            "population_hash": check.population_hash,
            "sample_ids": sample,
        },
    )
    return check


@transaction.atomic
def spot_check_assign(
    *, actor: Any, check: SpotCheck, inspector: User, items: Iterable[SpotCheckItem] | None = None
) -> list[SpotCheckItem]:
    """Assign a reviewer or admin as inspector of the given items (default: those still unassigned)."""
    locked = SpotCheck.objects.select_for_update().get(pk=check.pk)
    permissions.can_assign_inspectors(actor, locked).enforce()
    if not (inspector.is_active and inspector.has_role(Role.REVIEWER, Role.ADMIN)):
        raise _refuse("inspector", "not_inspector", "检查人须为评审机构或市经信局的在职人员。")
    rows = locked.items.select_for_update().filter(outcome="")
    if items is not None:
        rows = rows.filter(pk__in=[i.pk for i in items])
    else:
        rows = rows.filter(inspector__isnull=True)
    changed = list(rows)
    if not changed:
        raise _refuse("items", "nothing_to_assign", "没有可分配的抽查项目（已有结论的项目不能改派）。")
    for item in changed:
        before = snapshot(item, ITEM_AUDIT)
        item.inspector = inspector
        item.save(update_fields=["inspector"])
        audit_record(
            actor=actor,
            action="spot_check_item.assigned",
            obj=item,
            before=before,
            after=snapshot(item, ITEM_AUDIT),
        )
    notify(
        recipients=[inspector],
        kind="spot_check_assigned",
        title=f"抽查任务：{locked.title}（{len(changed)} 项）",
        body="请核查分配给您的订单或合同并记录检查情况。",
        url=reverse("enforcement:spot_check", args=[locked.pk]),
    )
    return changed


@transaction.atomic
def spot_check_record_finding(
    *, actor: Any, item: SpotCheckItem, outcome: str, findings: str
) -> SpotCheckItem:
    """The inspector records what was found and the outcome; the check closes when every item has one."""
    locked = SpotCheckItem.objects.select_for_update().select_related("spot_check").get(pk=item.pk)
    permissions.can_record_finding(actor, locked).enforce()
    errors = FieldErrors()
    if outcome not in FindingOutcome.values:
        errors.add("outcome", "invalid_outcome", "请选择检查结论。")
    findings = _text(errors, "findings", findings, "检查情况")
    errors.raise_any()
    before = snapshot(locked, ITEM_AUDIT)
    locked.outcome = outcome
    locked.findings = findings
    locked.recorded_at = clock.now()
    locked.recorded_by = actor
    locked.save(update_fields=["outcome", "findings", "recorded_at", "recorded_by"])
    audit_record(
        actor=actor,
        action="spot_check_item.finding",
        obj=locked,
        before=before,
        after=snapshot(locked, ITEM_AUDIT),
    )
    check = SpotCheck.objects.select_for_update().get(pk=locked.spot_check_id)
    if (
        SPOT_CHECK.can_move(check.status, SpotCheckAction.CLOSE)
        and not check.items.filter(outcome="").exists()
    ):
        SPOT_CHECK.move(check, SpotCheckAction.CLOSE)
        check.closed_at = clock.now()
        check.save(update_fields=["status", "closed_at"])
        audit_record(actor=actor, action="spot_check.closed", obj=check, after={"status": check.status})
        notify(
            recipients=[check.created_by],
            kind="spot_check_closed",
            title=f"抽查已完成：{check.title}",
            body="所有抽查项目均已记录检查结论。",
            url=reverse("enforcement:spot_check", args=[check.pk]),
        )
    locked.spot_check = check
    return locked

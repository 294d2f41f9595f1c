"""Clawbacks (M1): reporting or opening a clawback on an approved claim, recording repayments and
waiving the rest; the quota effect follows the programme's ``clawback_restores_quota``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from voucher.accounts.selectors import active_members, active_users_with
from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import FieldErrors, positive_money
from voucher.core.money import format_cny
from voucher.core.notifications import notify
from voucher.core.uploads import display_file_name, inspect_upload
from voucher.enforcement import permissions
from voucher.enforcement.choices import (
    PROVIDER_REASONS,
    ClawbackAction,
    ClawbackOrigin,
    ClawbackReason,
    ClawbackStatus,
)
from voucher.enforcement.models import (
    Clawback,
    ClawbackRepayment,
    SanctionCase,
)
from voucher.enforcement.services.common import CLAWBACK_AUDIT, EVIDENCE_TYPES, _text
from voucher.enforcement.transitions import CLAWBACK
from voucher.enterprises.choices import LedgerKind
from voucher.enterprises.models import QuotaAccount, QuotaLedgerEntry
from voucher.enterprises.services import quota_claw_back

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
        recipients=active_members(claim.provider_id, "party.provider"),
        kind="clawback_opened",
        title=f"资金追回 {clawback.number}：订单 {claim.order.number}",
        body=body,
        url=url,
    )
    if origin == ClawbackOrigin.PROVIDER_REPORT:
        notify(
            recipients=active_users_with("enforcement.manage"),
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


def _checked_repayment(
    locked: Clawback, paid_on: dt.date | None, amount: Any, reference: str
) -> tuple[Decimal, dt.date, str]:
    """The repayment's amount, date and bank reference, every problem reported at its field: the
    reference is required and not yet used, the date not in the future, the amount within what is still
    outstanding."""
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
    return value, paid_on, reference


@transaction.atomic
def clawback_record_repayment(
    *, actor: Any, clawback: Clawback, paid_on: dt.date | None, amount: Any, reference: str
) -> ClawbackRepayment:
    """Record money returned (date, amount, bank reference); the total never exceeds the amount due.
    With ``restores_quota`` the amount moves from the enterprise's paid bucket back to available."""
    permissions.is_admin(actor).enforce()
    locked = _lock_clawback(clawback)
    permissions.can_settle_clawback(actor, locked).enforce()
    value, paid_on, reference = _checked_repayment(locked, paid_on, amount, reference)
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
        recipients=active_members(locked.provider_id, "party.provider"),
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
        recipients=active_members(locked.provider_id, "party.provider"),
        kind="clawback_waived",
        title=f"资金追回 {locked.number} 已核销",
        body=reason,
        url=reverse("enforcement:clawback", args=[locked.pk]),
    )
    return locked

"""Review (R6): the credit check at claim review and the reviewer's decision (approve, return, void)
with its quota-ledger moves.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from voucher.accounts.selectors import active_members
from voucher.claims.choices import (
    ClaimAction,
)
from voucher.claims.models import (
    Claim,
    ClaimDecision,
)
from voucher.claims.permissions import can_review_claim, can_review_queue, reviewer_conflict
from voucher.claims.services.common import (
    CLAIM_AUDIT_FIELDS,
    REASON_MAX,
    _check_window,
    _lock_claim,
    _touch,
    _url,
    claim_window,
    refuse,
)
from voucher.claims.services.waivers import _lock_account, _release_commitment
from voucher.claims.transitions import transition
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.money import MoneyError, format_cny, to_money
from voucher.core.notifications import notify
from voucher.enterprises.choices import CreditContext, CreditOutcome
from voucher.enterprises.credit import credit_check
from voucher.enterprises.models import CreditCheck, QuotaAccount
from voucher.enterprises.services import quota_release_commitment

# --- review (R6) -------------------------------------------------------------------------------------


def claim_credit_check(*, actor: Any, claim: Claim) -> CreditCheck:
    """Check the enterprise's credit at claim review (E4) and keep the result on the claim; never by a
    reviewer of either party's organisation (conflict of interest)."""
    can_review_queue(actor).enforce()
    reviewer_conflict(actor, claim).enforce()
    with transaction.atomic():
        locked = _lock_claim(claim)
        record = credit_check(organisation=locked.enterprise, actor=actor, context=CreditContext.CLAIM_REVIEW)
        locked.credit_check = record
        locked.save(update_fields=["credit_check"])
        claim.credit_check = record
        return record


def _checked_payout(payout: Any, contract: Contract, text: str) -> Decimal:
    """The approved payout: a positive amount up to the contract's deduction; a reduction needs a reason."""
    if payout is None or payout == "":
        raise refuse("required", "请填写核定兑付金额。", "payout")
    try:
        amount = to_money(payout)
    except MoneyError as exc:
        raise refuse("invalid_amount", str(exc), "payout") from None
    if amount <= 0:
        raise refuse("amount_not_positive", "核定兑付金额必须大于 0。", "payout")
    if amount > contract.deduction:
        raise refuse(
            "payout_above_deduction",
            f"核定兑付金额不能超过合同约定的服务券抵用额度 {format_cny(contract.deduction)}。",
            "payout",
        )
    if amount < contract.deduction and not text:
        raise refuse("reason_required", "核减兑付金额时须填写核减原因。", "reason")
    return amount


def _approve(
    actor: Any,
    locked: Claim,
    account: QuotaAccount,
    amount: Decimal,
    text: str,
    record: CreditCheck,
    now: dt.datetime,
) -> tuple[str, str]:
    """Approve with the payout (refused when the credit check failed); a reduced part of the commitment
    returns to available. Returns the notice's title and body."""
    contract = locked.contract
    locked.credit_check = record
    if record.outcome == CreditOutcome.FAIL:
        raise refuse("credit_failed", f"企业信用核查未通过：{record.reason} 不能审核通过，请作废订单。")
    if amount < contract.deduction:
        quota_release_commitment(
            actor=actor,
            account=account,
            amount=contract.deduction - amount,
            reference=locked.order.number,
            note=f"兑券审核核减，核定兑付 {format_cny(amount)}（核减：{text}）"[:300],
        )
    locked.approved_payout = amount
    locked.quota_settled_at = now
    title = f"兑券申请审核通过：{locked.order.number}"
    body = f"核定兑付金额 {format_cny(amount)}（合同抵用额度 {format_cny(contract.deduction)}）。" + (
        f"核减原因：{text}" if amount < contract.deduction else ""
    )
    return title, body


def _return(locked: Claim, text: str) -> tuple[str, str]:
    """Return for supplementary material, once, within the claim period. Returns the notice."""
    if not text:
        raise refuse("reason_required", "请填写需补充的材料或问题。", "reason")
    if locked.return_count >= 1:
        raise refuse("already_returned", "兑券申请只能退回补充材料一次。")
    contract = locked.contract
    _check_window(contract, what="退回补充材料")
    locked.return_count += 1
    locked.return_comment = text
    title = f"兑券申请退回补充材料：{locked.order.number}"
    body = f"{text} 请在兑券截止日 {claim_window(contract).deadline:%Y-%m-%d} 前补充后重新提交。"
    return title, body


def _void(actor: Any, locked: Claim, account: QuotaAccount, text: str) -> tuple[str, str]:
    """Void the order (a reason is required); the whole commitment returns to available."""
    if not text:
        raise refuse("reason_required", "请填写订单作废原因。", "reason")
    _release_commitment(actor=actor, claim=locked, account=account, note=f"订单作废：{text}")
    return f"订单作废，不予兑付：{locked.order.number}", f"原因：{text}"


def _record_decision(
    actor: Any,
    locked: Claim,
    action: str,
    new_status: str,
    amount: Decimal | None,
    text: str,
    before: dict[str, Any],
    now: dt.datetime,
) -> None:
    """Save the decided claim, its decision row and the audit event."""
    locked.status = new_status
    locked.decision_reason = text
    locked.decided_at = now
    locked.decided_by = actor
    _touch(
        locked,
        [
            "status",
            "decision_reason",
            "decided_at",
            "decided_by",
            "approved_payout",
            "quota_settled_at",
            "return_count",
            "return_comment",
            "credit_check",
        ],
    )
    ClaimDecision.objects.create(claim=locked, action=action, payout=amount, reason=text, at=now, actor=actor)
    audit_record(
        actor=actor,
        action=f"claim.{action}",
        obj=locked,
        before=before,
        after=snapshot(locked, CLAIM_AUDIT_FIELDS),
        note=text,
    )


def claim_decide(*, actor: Any, claim: Claim, action: str, payout: Any = None, reason: str = "") -> Claim:
    """A reviewer approves (payout ≤ the contract's deduction; a reduction needs a reason), returns the claim
    for supplementary material (once, within the claim period) or voids the order (reason required). Moves
    the quota ledger, records the decision and tells the provider and the enterprise."""
    can_review_claim(actor, claim).enforce()
    if action not in (ClaimAction.APPROVE, ClaimAction.RETURN, ClaimAction.VOID):
        raise refuse("invalid_action", "请选择审核结论。", "action")
    text = (reason or "").strip()
    if len(text) > REASON_MAX:
        raise refuse("too_long", f"意见不能超过{REASON_MAX}字。", "reason")
    record = None
    if action == ClaimAction.APPROVE:
        # Stored on its own, so a failed check stays on record even though the approval is refused.
        record = credit_check(organisation=claim.enterprise, actor=actor, context=CreditContext.CLAIM_REVIEW)
        Claim.objects.filter(pk=claim.pk).update(credit_check=record)
    with transaction.atomic():
        account = _lock_account(claim.contract)
        locked = _lock_claim(claim)
        can_review_claim(actor, locked).enforce()
        new_status = transition(locked.status, action)
        contract = locked.contract
        before = snapshot(locked, CLAIM_AUDIT_FIELDS)
        now = clock.now()
        amount: Decimal | None = None
        if action == ClaimAction.APPROVE:
            assert record is not None
            amount = _checked_payout(payout, contract, text)
            title, body = _approve(actor, locked, account, amount, text, record, now)
        elif action == ClaimAction.RETURN:
            title, body = _return(locked, text)
        else:
            title, body = _void(actor, locked, account, text)
        _record_decision(actor, locked, action, new_status, amount, text, before, now)
        notify(
            recipients=[
                *active_members(locked.provider_id, "party.provider"),
                *active_members(locked.enterprise_id, "party.enterprise"),
            ],
            kind=f"claim_{action}",
            title=title,
            body=body,
            url=_url(locked),
        )
        return locked

"""Pre-checks (R8) and the irreversible submission of a claim (R4)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from voucher.accounts.selectors import active_members
from voucher.claims.choices import (
    ClaimAction,
    MaterialKind,
)
from voucher.claims.models import (
    Claim,
    ClaimDecision,
    PreCheck,
)
from voucher.claims.permissions import can_edit_claim
from voucher.claims.prechecks import required_kinds, run_prechecks
from voucher.claims.risk import risk_flags
from voucher.claims.services.common import (
    CLAIM_AUDIT_FIELDS,
    CLAIMABLE_CONTRACT_STATUSES,
    _check_window,
    _lock_claim,
    _touch,
    _url,
    refuse,
)
from voucher.claims.transitions import transition
from voucher.contracts.services import contract_lock_for_claim
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.money import format_cny
from voucher.core.notifications import notify
from voucher.standing import sanction_refusal

# --- pre-checks (R8) and submission (R4) --------------------------------------------------------------


def _store_prechecks(claim: Claim) -> list[PreCheck]:
    now = clock.now()
    results = run_prechecks(claim)
    PreCheck.objects.filter(claim=claim).exclude(code__in=[r.code for r in results]).delete()
    stored = []
    for position, result in enumerate(results):
        row, _ = PreCheck.objects.update_or_create(
            claim=claim,
            code=result.code,
            defaults={
                "title": result.title,
                "outcome": result.outcome,
                "message": result.message,
                "evidence": result.evidence,
                "position": position,
                "checked_at": now,
            },
        )
        stored.append(row)
    return stored


def claim_run_prechecks(*, actor: Any, claim: Claim) -> list[PreCheck]:
    """Compute and store the pre-checks so the provider sees them before submitting (R8)."""
    can_edit_claim(actor, claim).enforce()
    with transaction.atomic():
        locked = _lock_claim(claim)
        can_edit_claim(actor, locked).enforce()
        return _store_prechecks(locked)


def submission_problems(claim: Claim) -> list[str]:
    """What still blocks submission: missing data and empty required slots (content checks are pre-checks)."""
    problems = []
    if not claim.invoice_number or claim.invoice_date is None or claim.invoice_amount is None:
        problems.append("请填写发票号码、开票日期和发票金额。")
    if claim.receipt_date is None or claim.receipt_amount is None:
        problems.append("请填写银行收款日期和收款金额。")
    present = set(claim.materials.filter(superseded_at__isnull=True).values_list("kind", flat=True))
    missing = [str(MaterialKind(k).label) for k in required_kinds(claim) if k not in present]
    if missing:
        problems.append("请上传：" + "、".join(missing) + "。")
    return problems


def claim_submit(*, actor: Any, claim: Claim, confirmed: bool, revision: int | None = None) -> Claim:
    """完成服务: the provider submits the claim, irreversibly (R4). Needs the explicit confirmation and, when
    given, the revision the confirmation page showed; locks the contract against amendments."""
    can_edit_claim(actor, claim).enforce()
    if not confirmed:
        raise refuse("confirmation_required", "请勾选确认：提交后不能撤回或修改兑券材料。", "confirm")
    with transaction.atomic():
        locked = _lock_claim(claim)
        can_edit_claim(actor, locked).enforce()
        new_status = transition(locked.status, ClaimAction.SUBMIT)
        _check_window(locked.contract)
        # M5: no claim is accepted while the provider or the ordering enterprise is banned.
        for party in (locked.provider_id, locked.enterprise_id):
            if not (banned := sanction_refusal(organisation_id=party, on=clock.today())):
                raise refuse("sanctioned", banned.reason)
        if locked.contract.status not in CLAIMABLE_CONTRACT_STATUSES:
            raise refuse(
                "contract_not_confirmed",
                f"合同当前状态为“{locked.contract.get_status_display()}”，企业确认合同后方可提交兑券申请。",
            )
        if revision is not None and revision != locked.revision:
            raise refuse(
                "claim_changed", "兑券申请在确认页面打开后已被修改，请重新核对后再提交。", "revision"
            )
        problems = submission_problems(locked)
        if problems:
            raise refuse("claim_incomplete", "".join(problems))
        before = snapshot(locked, CLAIM_AUDIT_FIELDS)
        now = clock.now()
        _store_prechecks(locked)
        contract_lock_for_claim(contract=locked.contract, actor=actor)
        locked.status = new_status
        locked.submitted_at = now
        locked.submitted_by = actor
        locked.submission_count += 1
        locked.risk_flags = [f.as_json() for f in risk_flags(locked)]
        _touch(locked, ["status", "submitted_at", "submitted_by", "submission_count", "risk_flags"])
        ClaimDecision.objects.create(claim=locked, action=ClaimAction.SUBMIT, at=now, actor=actor)
        audit_record(
            actor=actor,
            action="claim.submitted",
            obj=locked,
            before=before,
            after=snapshot(locked, CLAIM_AUDIT_FIELDS),
        )
        notify(
            recipients=active_members(locked.enterprise_id, "party.enterprise"),
            kind="claim_submitted",
            title=f"服务商已提交兑券申请：{locked.order.number}",
            body=f"{locked.order.product.name}：服务券抵用额度 {format_cny(locked.contract.deduction)}，等待评审。",
            url=_url(locked),
        )
        return locked

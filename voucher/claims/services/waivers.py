"""Waivers (R5): the provider's waiver statement, and the sweeper that waives the claims of contracts
whose claim period ended without a submission; both release the contract's commitment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet

from voucher.accounts.selectors import active_members
from voucher.claims import files as claim_files
from voucher.claims.choices import (
    EDITABLE_STATUSES,
    ClaimAction,
    ClaimStatus,
)
from voucher.claims.models import (
    Claim,
    ClaimDecision,
)
from voucher.claims.permissions import can_file_claim
from voucher.claims.services.common import (
    CLAIM_AUDIT_FIELDS,
    REASON_MAX,
    _check_window,
    _lock_claim,
    _new_claim,
    _touch,
    _url,
    claim_window,
    refuse,
)
from voucher.claims.transitions import transition
from voucher.contracts.models import Contract
from voucher.contracts.services import contract_lock_for_claim
from voucher.core import clock, periods
from voucher.core.audit import audit_record, snapshot
from voucher.core.money import format_cny
from voucher.core.notifications import notify
from voucher.core.uploads import JPEG, PDF, PNG
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.services import quota_release_commitment
from voucher.programmes.models import ProgrammeYear

# --- waivers (R5) -------------------------------------------------------------------------------------


def _lock_account(contract: Contract) -> QuotaAccount:
    return QuotaAccount.objects.select_for_update().get(
        organisation_id=contract.enterprise_id, programme_id=contract.programme_id
    )


def _release_commitment(*, actor: Any, claim: Claim, account: QuotaAccount, note: str) -> None:
    quota_release_commitment(
        actor=actor,
        account=account,
        amount=claim.contract.deduction,
        reference=claim.order.number,
        note=note[:300],
    )
    claim.quota_settled_at = clock.now()


def _claim_to_waive(actor: Any, contract: Contract) -> Claim:
    """The contract's claim, or a new draft one when the provider waives before starting it (within the
    claim period)."""
    claim = Claim.objects.filter(contract_id=contract.pk).first()
    if claim is None:
        locked_contract = (
            Contract.objects.select_for_update(of=("self",)).select_related("programme").get(pk=contract.pk)
        )
        _check_window(locked_contract, what="放弃兑付")
        claim = _new_claim(locked_contract, actor, ClaimStatus.DRAFT)
    return claim


def claim_waive(*, actor: Any, contract: Contract, statement: str, file: Any = None) -> Claim:
    """The provider files a waiver statement (放弃兑付声明) within the claim period (R5); the contract's
    committed deduction returns to the enterprise's available quota."""
    can_file_claim(actor, contract).enforce()
    text = (statement or "").strip()
    if not text:
        raise refuse("statement_required", "请填写放弃兑付声明。", "statement")
    if len(text) > REASON_MAX:
        raise refuse("too_long", f"声明不能超过{REASON_MAX}字。", "statement")
    checked = claim_files.check_file(file, allowed=(PDF, PNG, JPEG), field="file") if file else None
    with transaction.atomic():
        account = _lock_account(contract)
        claim = _claim_to_waive(actor, contract)
        locked = _lock_claim(claim)
        new_status = transition(locked.status, ClaimAction.WAIVE)
        _check_window(locked.contract, what="放弃兑付")
        before = snapshot(locked, CLAIM_AUDIT_FIELDS)
        now = clock.now()
        contract_lock_for_claim(contract=locked.contract, actor=actor)
        locked.status = new_status
        locked.waived_at = now
        locked.waiver_statement = text
        if checked is not None:
            locked.waiver_file.save(checked.name, ContentFile(checked.data), save=False)
            locked.waiver_file_name = checked.name
        _release_commitment(actor=actor, claim=locked, account=account, note="服务商放弃兑付")
        _touch(
            locked,
            [
                "status",
                "waived_at",
                "waiver_statement",
                "waiver_file",
                "waiver_file_name",
                "quota_settled_at",
            ],
        )
        ClaimDecision.objects.create(claim=locked, action=ClaimAction.WAIVE, at=now, actor=actor, reason=text)
        audit_record(
            actor=actor,
            action="claim.waived",
            obj=locked,
            before=before,
            after=snapshot(locked, CLAIM_AUDIT_FIELDS),
            note=text,
        )
        notify(
            recipients=active_members(locked.enterprise_id, "party.enterprise"),
            kind="claim_waived",
            title=f"服务商已放弃兑付：{locked.order.number}",
            body=f"该订单占用的服务券额度 {format_cny(locked.contract.deduction)} 已退回贵单位可用额度。",
            url=_url(locked),
        )
        return locked


def _overdue_contracts(today: dt.date) -> QuerySet[Contract]:
    """Contracts whose claim period has ended with no claim filed (no claim, a draft or a returned claim)."""
    overdue = Q(pk__in=[])
    for programme in ProgrammeYear.objects.all():
        cutoff = periods.earliest_event(today, weeks=programme.claim_weeks_after_use)
        in_year = Q(programme=programme)
        if programme.claim_final_date < today:
            overdue |= in_year
        else:
            overdue |= in_year & Q(service_end__lt=cutoff)
    open_claim = Q(claim__isnull=True) | Q(claim__status__in=EDITABLE_STATUSES)
    return Contract.objects.filter(overdue & open_claim).order_by("pk")


def claims_sweep(*, today: dt.date | None = None) -> list[Claim]:
    """Mark the claims of contracts whose claim period ended without a filed claim as waived (R5 "视同为自动
    放弃"), creating the waived record when there is none, and release the commitment. Idempotent and safe to
    run concurrently: each contract is settled under its enterprise's account lock and re-checked there."""
    day = today or clock.today()
    waived: list[Claim] = []
    for contract_id in list(_overdue_contracts(day).values_list("pk", flat=True)):
        result = _sweep_one(contract_id, day)
        if result is not None:
            waived.append(result)
    return waived


def _sweep_one(contract_id: int, day: dt.date) -> Claim | None:
    with transaction.atomic():
        contract = Contract.objects.select_related("programme").get(pk=contract_id)
        account = _lock_account(contract)
        claim = Claim.objects.filter(contract_id=contract_id).first()
        if claim is None:
            contract = (
                Contract.objects.select_for_update(of=("self",))
                .select_related("programme")
                .get(pk=contract_id)
            )
            if claim_window(contract).deadline >= day:
                return None
            claim = _new_claim(contract, None, ClaimStatus.DRAFT)
        locked = _lock_claim(claim)
        if locked.status not in EDITABLE_STATUSES or claim_window(locked.contract).deadline >= day:
            return None
        before = snapshot(locked, CLAIM_AUDIT_FIELDS)
        now = clock.now()
        deadline = claim_window(locked.contract).deadline
        contract_lock_for_claim(contract=locked.contract, actor=None)
        locked.status = transition(locked.status, ClaimAction.EXPIRE)
        locked.waived_at = now
        locked.waived_automatically = True
        locked.waiver_statement = (
            f"兑券期限 {deadline:%Y-%m-%d} 前未提交兑券申请或放弃兑付声明，视同自动放弃。"
        )
        _release_commitment(actor=None, claim=locked, account=account, note="逾期未申请兑券，视同放弃")
        _touch(
            locked, ["status", "waived_at", "waived_automatically", "waiver_statement", "quota_settled_at"]
        )
        ClaimDecision.objects.create(
            claim=locked, action=ClaimAction.EXPIRE, at=now, reason=locked.waiver_statement
        )
        audit_record(
            actor=None,
            action="claim.auto_waived",
            obj=locked,
            before=before,
            after=snapshot(locked, CLAIM_AUDIT_FIELDS),
        )
        notify(
            recipients=[
                *active_members(locked.provider_id, "party.provider"),
                *active_members(locked.enterprise_id, "party.enterprise"),
            ],
            kind="claim_auto_waived",
            title=f"订单 {locked.order.number} 逾期未兑券，视同放弃",
            body=locked.waiver_statement
            + f" 服务券额度 {format_cny(locked.contract.deduction)} 已退回企业可用额度。",
            url=_url(locked),
        )
        return locked

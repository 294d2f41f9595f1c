"""The contract's later steps: the enterprise confirms it, the provider marks it complete, and a claim
locks it while the claim is being decided.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from voucher.accounts.selectors import active_members
from voucher.contracts.choices import ContractAction
from voucher.contracts.models import Contract
from voucher.contracts.permissions import (
    can_complete_contract,
    can_confirm_contract,
)
from voucher.contracts.services.common import CONTRACT_AUDIT_FIELDS, _url
from voucher.contracts.transitions import transition
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import refuse
from voucher.core.money import format_cny
from voucher.core.notifications import notify


def _move(*, contract: Contract, action: str) -> tuple[Contract, dict[str, Any]]:
    locked = (
        Contract.objects.select_for_update(of=("self",))
        .select_related("order", "product")
        .get(pk=contract.pk)
    )
    before = snapshot(locked, CONTRACT_AUDIT_FIELDS)
    locked.status = transition(locked.status, action)
    return locked, before


@transaction.atomic
def contract_confirm(*, actor: Any, contract: Contract) -> Contract:
    """The ordering enterprise confirms the recorded terms (deduction and own payment) before delivery."""
    can_confirm_contract(actor, contract).enforce()
    locked, before = _move(contract=contract, action=ContractAction.CONFIRM)
    locked.enterprise_confirmed_at = clock.now()
    locked.enterprise_confirmed_by = actor
    locked.save(update_fields=["status", "enterprise_confirmed_at", "enterprise_confirmed_by"])
    audit_record(
        actor=actor,
        action="contract.confirmed",
        obj=locked,
        before=before,
        after=snapshot(locked, CONTRACT_AUDIT_FIELDS),
    )
    notify(
        recipients=active_members(locked.provider_id, "party.provider"),
        kind="contract_confirmed",
        title=f"企业已确认合同：{locked.order.number}",
        body=f"{locked.product.name}：服务券抵用额度 {format_cny(locked.deduction)}，请按合同提供服务。",
        url=_url(locked),
    )
    return locked


@transaction.atomic
def contract_complete(*, actor: Any, contract: Contract) -> Contract:
    """The ordering enterprise confirms that the service was delivered (C7)."""
    can_complete_contract(actor, contract).enforce()
    locked, before = _move(contract=contract, action=ContractAction.COMPLETE)
    if clock.today() < locked.service_start:
        raise refuse(
            "service_not_started", f"服务开始日期为 {locked.service_start:%Y-%m-%d}，尚不能确认服务完成。"
        )
    locked.completed_at = clock.now()
    locked.save(update_fields=["status", "completed_at"])
    audit_record(
        actor=actor,
        action="contract.completed",
        obj=locked,
        before=before,
        after=snapshot(locked, CONTRACT_AUDIT_FIELDS),
    )
    notify(
        recipients=active_members(locked.provider_id, "party.provider"),
        kind="contract_completed",
        title=f"企业已确认服务完成：{locked.order.number}",
        body=f"{locked.product.name}：可按规定准备兑券材料。",
        url=_url(locked),
    )
    return locked


def contract_lock_for_claim(*, contract: Contract, actor: Any = None) -> Contract:
    """Freeze the contract when its redemption claim is filed (R4); amendments are refused from then on.

    Called by the claims feature inside its own transaction; idempotent.
    """
    with transaction.atomic():
        locked = Contract.objects.select_for_update(of=("self",)).select_related("order").get(pk=contract.pk)
        if locked.claim_locked_at is None:
            locked.claim_locked_at = clock.now()
            locked.save(update_fields=["claim_locked_at"])
            audit_record(
                actor=actor,
                action="contract.claim_locked",
                obj=locked,
                before={"claim_locked_at": None},
                after={"claim_locked_at": locked.claim_locked_at},
            )
        contract.claim_locked_at = locked.claim_locked_at
        return locked

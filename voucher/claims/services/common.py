"""Shared pieces of the claim services: the audit fields, refusals, the claim period (R1) and the
claim lock. Locking order, the same in every service: the enterprise's quota account, then the claim,
then the contract.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from voucher.claims.models import (
    Claim,
)
from voucher.contracts.choices import ContractStatus
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.core.errors import refuse

CLAIM_AUDIT_FIELDS = [
    "status",
    "revision",
    "invoice_number",
    "invoice_date",
    "invoice_amount",
    "receipt_date",
    "receipt_amount",
    "receipt_reference",
    "submitted_at",
    "return_count",
    "return_comment",
    "approved_payout",
    "decision_reason",
    "waived_at",
    "waived_automatically",
    "waiver_statement",
    "quota_settled_at",
]
REASON_MAX = 1000
CLAIMABLE_CONTRACT_STATUSES = (ContractStatus.CONFIRMED, ContractStatus.COMPLETED)


def _url(claim: Claim) -> str:
    return reverse("claims:detail", args=[claim.order.number])


# --- the claim period (R1) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    opens_on: dt.date
    deadline: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.deadline


def claim_window(contract: Contract) -> Window:
    """From the signing date (the deal) to 2 weeks after use ends, never after the year's final date."""
    return Window(contract.signed_on, contract.programme.claim_deadline(contract.service_end))


def _check_window(contract: Contract, *, what: str = "申请兑券") -> None:
    window = claim_window(contract)
    today = clock.today()
    if today < window.opens_on:
        raise refuse("claim_not_open", f"合同签订日期为 {window.opens_on:%Y-%m-%d}，自该日起方可{what}。")
    if today > window.deadline:
        raise refuse(
            "claim_period_over",
            f"兑券期限已于 {window.deadline:%Y-%m-%d} 截止（用券结束后{contract.programme.claim_weeks_after_use}周内，"
            f"最晚 {contract.programme.claim_final_date:%Y-%m-%d}），不能再{what}。",
        )


# --- the claim lock and its revision ---------------------------------------------------------------


def _lock_claim(claim: Claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related(
            "contract",
            "contract__programme",
            "order",
            "order__product",
            "programme",
            "enterprise",
            "provider",
        )
        .get(pk=claim.pk)
    )


def _touch(claim: Claim, fields: list[str]) -> None:
    claim.revision += 1
    claim.updated_at = clock.now()
    claim.deadline = claim_window(claim.contract).deadline
    claim.save(update_fields=[*fields, "revision", "updated_at", "deadline"])


def _new_claim(contract: Contract, actor: Any, status: str) -> Claim:
    now = clock.now()
    return Claim.objects.create(
        contract=contract,
        order_id=contract.order_id,
        programme_id=contract.programme_id,
        enterprise_id=contract.enterprise_id,
        provider_id=contract.provider_id,
        status=status,
        created_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
        updated_at=now,
        deadline=claim_window(contract).deadline,
    )

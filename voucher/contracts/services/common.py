"""Shared pieces of the contract services: the audited fields, text limits and the links."""

from __future__ import annotations

from django.urls import reverse

from voucher.contracts.models import Contract

CONTRACT_AUDIT_FIELDS = [
    "number",
    "total_amount",
    "signed_on",
    "service_start",
    "service_end",
    "subsidisable_amount",
    "annualised",
    "max_deduction",
    "deduction",
    "own_payment",
    "status",
    "enterprise_confirmed_at",
    "completed_at",
    "amendment_count",
    "claim_locked_at",
]
RATING_AUDIT_FIELDS = ["quality", "responsiveness", "expertise", "overall", "comment", "reply"]
COMMENT_MAX = 500


def _url(contract: Contract) -> str:
    return reverse("contracts:detail", args=[contract.order.number])

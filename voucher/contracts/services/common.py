"""Shared pieces of the contract services: the audited fields, refusals, who is told and the links."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from voucher.accounts.models import Organisation, User
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


def refuse(code: str, message: str, field: str = "__all__") -> ValidationError:
    """A refusal with a machine-readable code and the Chinese reason, attached to ``field``."""
    return ValidationError({field: ValidationError(message, code=code)})


def _members(organisation: Organisation | int, role: str) -> Any:
    return User.objects.filter(organisation=organisation, role=role, is_active=True)


def _url(contract: Contract) -> str:
    return reverse("contracts:detail", args=[contract.order.number])

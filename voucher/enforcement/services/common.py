"""Shared pieces of the oversight writes: the audit fields, refusals, text limits and who is told."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from voucher.accounts.choices import Role
from voucher.accounts.models import User
from voucher.core.errors import FieldErrors
from voucher.core.uploads import JPEG, PDF, PNG

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

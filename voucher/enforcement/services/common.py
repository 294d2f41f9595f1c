"""Shared pieces of the oversight writes: the audit fields, text limits and evidence file types."""

from __future__ import annotations

from voucher.core.errors import FieldErrors
from voucher.core.uploads import JPEG, PDF, PNG

TEXT_MAX = 2000
SANCTION_AUDIT = ["organisation_id", "party", "kind", "starts_on", "ends_on", "lifted_at", "lift_reason"]
CLAWBACK_AUDIT = ["amount_due", "repaid", "status", "restores_quota", "closed_at", "waive_reason"]
ITEM_AUDIT = ["inspector_id", "outcome", "findings", "case_id"]
EVIDENCE_TYPES = (PDF, PNG, JPEG)


def _text(errors: FieldErrors, field: str, value: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.add(field, "required", f"请填写{label}。")
    elif len(value) > TEXT_MAX:
        errors.add(field, "too_long", f"{label}不能超过 {TEXT_MAX} 字。")
    return value

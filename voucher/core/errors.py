"""Collecting every problem of a form, so all are reported at once, each at its field (with a code)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from voucher.core.money import MoneyError, to_money


class FieldErrors:
    """Errors by field; :meth:`raise_any` raises them together as one ``ValidationError``."""

    def __init__(self) -> None:
        self.items: dict[str, list[ValidationError]] = {}

    def add(self, field: str, code: str, message: str) -> None:
        self.items.setdefault(field, []).append(ValidationError(message, code=code))

    def has(self, field: str) -> bool:
        return field in self.items

    def raise_any(self) -> None:
        if self.items:
            raise ValidationError(dict(self.items))


def positive_money(errors: FieldErrors, field: str, value: Any, label: str) -> Decimal | None:
    """``value`` as a CNY amount greater than zero, or ``None`` with the problem recorded at ``field``."""
    if value is None or value == "":
        errors.add(field, "required", f"请填写{label}。")
        return None
    try:
        amount = to_money(value)
    except MoneyError as exc:
        errors.add(field, "invalid_amount", str(exc))
        return None
    if amount <= 0:
        errors.add(field, "amount_not_positive", f"{label}必须大于 0。")
        return None
    return amount


def refuse(code: str, message: str, field: str = "__all__") -> ValidationError:
    """A refusal with a machine-readable code and the Chinese reason, attached to ``field``."""
    return ValidationError({field: ValidationError(message, code=code)})


def errors_to_form(form: Any, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on ``form``: each message at its field, the rest at the top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)

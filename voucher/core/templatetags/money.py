"""Template filters for CNY amounts: ``{{ amount|yuan }}`` → ``200,000.00 元``."""

from __future__ import annotations

from decimal import Decimal

from django import template

from voucher.core.money import FEN

register = template.Library()


@register.filter
def yuan(amount: Decimal | int | None) -> str:
    if amount is None or amount == "":
        return "—"
    return f"{Decimal(amount).quantize(FEN):,} 元"


@register.filter
def wan(amount: Decimal | int | None) -> str:
    """Whole-yuan amount with grouping, no decimals (e.g. thresholds): ``8,000,000 元``."""
    if amount is None or amount == "":
        return "—"
    return f"{Decimal(amount):,.0f} 元"

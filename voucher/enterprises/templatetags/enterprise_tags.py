"""Template filters of the enterprises app."""

from decimal import Decimal

from django import template

from voucher.core.money import format_cny

register = template.Library()


@register.filter
def cny(value: Decimal | None) -> str:
    return format_cny(value) if value is not None else "—"

"""A contract's terms (C1–C3) and their checks: amounts, dates, the deduction within the enterprise's
available quota, and the parties named on the contract.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from voucher.catalogue.models import Product
from voucher.contracts.rules import DeductionLimit, deduction_limit
from voucher.core import clock
from voucher.core.errors import FieldErrors, positive_money
from voucher.core.money import MoneyError, format_cny, to_money
from voucher.core.text import clean_text
from voucher.orders.models import Order


@dataclass(frozen=True)
class Terms:
    """Contract terms as entered (before validation against the order and the quota)."""

    number: str
    total_amount: Any
    signed_on: dt.date | None
    service_start: dt.date | None
    service_end: dt.date | None
    deduction: Any
    own_payment: Any = None


@dataclass(frozen=True)
class CheckedTerms:
    number: str
    total_amount: Decimal
    signed_on: dt.date
    service_start: dt.date
    service_end: dt.date
    deduction: Decimal
    own_payment: Decimal
    limit: DeductionLimit


def order_day(order: Order) -> dt.date:
    """The order date in Beijing time (C3 compares contract dates with it)."""
    return clock.local(order.ordered_at).date()


def _check_dates(errors: FieldErrors, order: Order, terms: Terms) -> None:
    """Signing and service start not before the order date; the service end not before its start."""
    ordered_on = order_day(order)
    for field, label, day in (
        ("signed_on", "合同签订日期", terms.signed_on),
        ("service_start", "服务开始日期", terms.service_start),
    ):
        if day is None:
            errors.add(field, "required", f"请填写{label}。")
        elif day < ordered_on:
            errors.add(
                field,
                "before_order_date",
                f"{label}不得早于企业在线下单日期 {ordered_on:%Y-%m-%d}。",
            )
    if terms.service_end is None:
        errors.add("service_end", "required", "请填写服务结束日期。")
    elif terms.service_start is not None and terms.service_end < terms.service_start:
        errors.add("service_end", "end_before_start", "服务结束日期不能早于服务开始日期。")


def _own_payment(
    errors: FieldErrors, terms: Terms, total: Decimal | None, deduction: Decimal | None
) -> Decimal | None:
    """The enterprise's own payment (total minus deduction); an entered figure must equal it."""
    own = None
    if total is not None and deduction is not None:
        own = total - deduction
        if terms.own_payment not in (None, ""):
            try:
                entered = to_money(terms.own_payment)
            except MoneyError as exc:
                errors.add("own_payment", "invalid_amount", str(exc))
            else:
                if entered != own:
                    errors.add(
                        "own_payment",
                        "own_payment_mismatch",
                        f"企业自付额度应等于合同总金额减去服务券抵用额度，即 {format_cny(own)}。",
                    )
    return own


def check_terms(*, order: Order, terms: Terms, available: Decimal, held: Decimal) -> CheckedTerms:
    """Validate the terms against the order and the quota (C1–C3, C5); every problem is reported at once.

    ``available`` is the enterprise's available quota (read under its lock) and ``held`` what this order
    already holds on it (its reservation, or the contract's current deduction when amending).
    """
    programme = order.programme
    errors = FieldErrors()
    number = clean_text(terms.number).strip()
    if not number:
        errors.add("number", "required", "请填写合同编号。")
    elif len(number) > 60:
        errors.add("number", "too_long", "合同编号不能超过60个字符。")
    total = positive_money(errors, "total_amount", terms.total_amount, "合同总金额")
    deduction = positive_money(errors, "deduction", terms.deduction, "服务券抵用额度")
    _check_dates(errors, order, terms)

    limit = None
    if total is not None and terms.service_start and terms.service_end and not errors.has("service_end"):
        limit = deduction_limit(
            total=total,
            start=terms.service_start,
            end=terms.service_end,
            max_months=programme.max_service_period_months,
            rate_cap=programme.subsidy_rate_cap,
            available=available,
            held=held,
        )
        if deduction is not None and deduction > limit.maximum:
            bound = (
                f"{programme.subsidy_rate_percent}% × 可补贴金额 {format_cny(limit.subsidisable.amount)}"
                if limit.rate_bound <= limit.quota_bound
                else "企业剩余可用额度"
            )
            errors.add(
                "deduction",
                "deduction_above_maximum",
                f"服务券抵用额度不能超过 {format_cny(limit.maximum)}（{bound}）。",
            )
    own = _own_payment(errors, terms, total, deduction)
    errors.raise_any()
    assert limit is not None and total is not None and deduction is not None and own is not None
    assert terms.signed_on and terms.service_start and terms.service_end
    return CheckedTerms(
        number, total, terms.signed_on, terms.service_start, terms.service_end, deduction, own, limit
    )


def _check_parties(order: Order, product: Product | None, counterparty_uscc: str | None) -> None:
    """The contract is for the ordered product (C1) with the ordering enterprise (O8)."""
    errors = FieldErrors()
    if product is not None and product.pk != order.product_id:
        errors.add("product", "product_mismatch", f"合同服务产品必须是订单产品“{order.product.name}”。")
    uscc = (counterparty_uscc or "").strip().upper()
    if counterparty_uscc is not None and uscc != (order.enterprise.uscc or ""):
        errors.add(
            "counterparty_uscc",
            "counterparty_mismatch",
            f"合同甲方必须是下单企业“{order.enterprise.name}”（统一社会信用代码 {order.enterprise.uscc}）。",
        )
    errors.raise_any()

"""The subsidy arithmetic of a contract (SPEC C2, C5) — pure functions, no database.

Length of a contract (C5, "服务券补贴的服务周期不超过1年"): the service period runs from the service
start date to the service end date, both inclusive.

* When the period is a whole number N of calendar months — the end date is the start date moved by N
  months (same day of the month, or the month's last day when it has no such day) minus one day —
  its length is N months, and a contract longer than the programme's maximum M months
  (``max_service_period_months``, 12) is subsidised on total × M / N.
* Otherwise the length is counted in days, inclusively, and compared with the days of the maximum
  period starting at the start date (for M = 12: 365, or 366 when the year starting at the start date
  contains a 29 February). A longer contract is subsidised on total × maximum days / contract days.

Every amount is rounded down to the fen by :mod:`voucher.core.money` (the programme's one rule).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from voucher.core.money import ZERO, prorate, share
from voucher.core.periods import add_months


def whole_months(start: dt.date, end: dt.date) -> int | None:
    """N when ``start``–``end`` (inclusive) is exactly N calendar months, else ``None``."""
    if end < start:
        return None
    n = (end.year - start.year) * 12 + end.month - start.month + 1
    for candidate in (n - 1, n):
        if candidate >= 1 and add_months(start, candidate) - dt.timedelta(days=1) == end:
            return candidate
    return None


def contract_days(start: dt.date, end: dt.date) -> int:
    """Days of the service period, both ends included."""
    return (end - start).days + 1


def period_days(start: dt.date, months: int) -> int:
    """Days of a ``months``-month period starting at ``start`` (365 or 366 for a year)."""
    return (add_months(start, months) - start).days


@dataclass(frozen=True)
class Subsidisable:
    """The amount the subsidy is computed on, and how it was found (shown to the users)."""

    amount: Decimal
    annualised: bool
    length: str  # e.g. "18 个月" or "400 天"
    basis: str  # the formula in words


def subsidisable_amount(total: Decimal, start: dt.date, end: dt.date, max_months: int) -> Subsidisable:
    """The contract total, or its amount over the maximum service period when the contract is longer (C5)."""
    months = whole_months(start, end)
    if months is not None:
        if months <= max_months:
            return Subsidisable(total, False, f"{months} 个月", "合同总金额")
        amount = prorate(total, max_months, months)
        return Subsidisable(amount, True, f"{months} 个月", f"合同总金额 × {max_months} ÷ {months}（个月）")
    days = contract_days(start, end)
    limit = period_days(start, max_months)
    if days <= limit:
        return Subsidisable(total, False, f"{days} 天", "合同总金额")
    return Subsidisable(
        prorate(total, limit, days), True, f"{days} 天", f"合同总金额 × {limit} ÷ {days}（天）"
    )


@dataclass(frozen=True)
class DeductionLimit:
    """The maximum voucher deduction of a contract and its two bounds (C2)."""

    subsidisable: Subsidisable
    rate_bound: Decimal  # rate cap × subsidisable amount
    quota_bound: Decimal  # available quota + what this order/contract already holds
    maximum: Decimal


def deduction_limit(
    *,
    total: Decimal,
    start: dt.date,
    end: dt.date,
    max_months: int,
    rate_cap: Decimal,
    available: Decimal,
    held: Decimal,
) -> DeductionLimit:
    """min(rate cap × subsidisable amount, available quota + ``held``), rounded down to the fen."""
    subsidisable = subsidisable_amount(total, start, end, max_months)
    rate_bound = share(subsidisable.amount, rate_cap)
    quota_bound = max(available + held, ZERO)
    return DeductionLimit(subsidisable, rate_bound, quota_bound, min(rate_bound, quota_bound))

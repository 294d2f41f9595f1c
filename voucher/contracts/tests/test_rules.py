"""C2, C5: the subsidisable amount and the maximum deduction, table-driven and with hypothesis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voucher.contracts.rules import (
    contract_days,
    deduction_limit,
    period_days,
    subsidisable_amount,
    whole_months,
)
from voucher.core.money import FEN
from voucher.core.periods import add_months

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2025, 7, 1), D(2026, 6, 30), 12),
        (D(2025, 7, 1), D(2026, 12, 31), 18),
        (D(2025, 7, 15), D(2026, 1, 14), 6),
        (D(2025, 1, 31), D(2025, 2, 27), 1),  # 31 January + 1 month = 28 February, minus one day
        (D(2024, 2, 29), D(2025, 2, 27), 12),  # 29 Feb + 12 months = 28 Feb 2025, minus one day
        (D(2025, 7, 1), D(2026, 7, 1), None),  # one day longer than a year
        (D(2025, 7, 1), D(2025, 7, 20), None),
    ],
)
def test_c5_whole_calendar_months(start, end, months):
    assert whole_months(start, end) == months


@pytest.mark.parametrize(
    ("start", "days"),
    [
        (D(2025, 7, 1), 365),
        (D(2023, 3, 1), 366),  # the year from 1 March 2023 contains 29 February 2024
        (D(2024, 2, 29), 365),
        (D(2024, 1, 1), 366),
        (D(2024, 3, 1), 365),
    ],
)
def test_c5_year_length_counts_29_february(start, days):
    assert period_days(start, 12) == days


@pytest.mark.parametrize(
    ("total", "start", "end", "expected", "annualised"),
    [
        # An 18-month contract of 300,000 is subsidised on 200,000.
        ("300000.00", D(2025, 7, 1), D(2026, 12, 31), "200000.00", True),
        # A 6-month contract is not annualised.
        ("300000.00", D(2025, 7, 1), D(2025, 12, 31), "300000.00", False),
        # Exactly 12 months: not annualised.
        ("120000.00", D(2025, 7, 1), D(2026, 6, 30), "120000.00", False),
        # 24 months: half.
        ("100000.00", D(2025, 7, 1), D(2027, 6, 30), "50000.00", True),
        # 366 days from 1 July 2025 (no 29 February in the year): total × 365 / 366, rounded down.
        ("366000.00", D(2025, 7, 1), D(2026, 7, 1), "365000.00", True),
        # 366 days from 1 March 2023: the year has 366 days, so not annualised.
        ("366000.00", D(2023, 3, 1), D(2024, 2, 29), "366000.00", False),
        # 400 days from 1 March 2023: × 366 / 400.
        ("400000.00", D(2023, 3, 1), D(2024, 4, 3), "366000.00", True),
        # Rounded down to the fen: 100,000 × 12 / 13 = 92,307.6923…
        ("100000.00", D(2025, 7, 1), D(2026, 7, 31), "92307.69", True),
    ],
)
def test_c5_subsidisable_amount(total, start, end, expected, annualised):
    result = subsidisable_amount(Decimal(total), start, end, 12)
    assert result.amount == Decimal(expected)
    assert result.annualised is annualised


def test_c5_length_rule_days_are_inclusive():
    assert contract_days(D(2025, 7, 1), D(2025, 7, 1)) == 1
    assert add_months(D(2025, 12, 31), 2) == D(2026, 2, 28)


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000000"), places=2)
dates = st.dates(min_value=D(2023, 1, 1), max_value=D(2027, 12, 31))


@given(
    total=money,
    start=dates,
    length=st.integers(min_value=0, max_value=1200),
    rate=st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=4),
    available=st.decimals(min_value=Decimal("0"), max_value=Decimal("200000"), places=2),
    held=st.decimals(min_value=Decimal("0"), max_value=Decimal("200000"), places=2),
)
def test_c2_deduction_never_exceeds_rate_cap_nor_available_quota(total, start, length, rate, available, held):
    end = start + dt.timedelta(days=length)
    limit = deduction_limit(
        total=total, start=start, end=end, max_months=12, rate_cap=rate, available=available, held=held
    )
    sub = limit.subsidisable.amount
    assert limit.maximum <= rate * sub
    assert limit.maximum <= available + held
    assert limit.maximum == limit.maximum.quantize(FEN)
    assert sub <= total
    # Annualised amounts are at most a year's worth of the contract, never less than one fen short.
    if limit.subsidisable.annualised:
        assert contract_days(start, end) > period_days(start, 12)
        assert sub >= total * period_days(start, 12) / contract_days(start, end) - Decimal("0.01") or (
            whole_months(start, end) is not None
        )
    # The maximum is the smaller bound, exactly (rounded down, never up).
    assert rate * sub - limit.maximum < Decimal("0.01") or limit.maximum == available + held

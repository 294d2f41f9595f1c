"""Money: Decimal CNY with one rounding rule — down to the fen (ARCHITECTURE convention 6)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voucher.core.models import MoneyField
from voucher.core.money import (
    FEN,
    MoneyError,
    format_cny,
    prorate,
    round_money,
    share,
    to_money,
    wan_to_yuan,
)

# Amounts up to a billion yuan with up to six decimal places (intermediate results of rate arithmetic).
raw_amounts = st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False, allow_infinity=False)
money_amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)


@given(raw_amounts)
def test_round_money_never_exceeds_the_exact_value(value):
    result = round_money(value)
    assert result <= value
    assert value - result < FEN
    assert result.as_tuple().exponent == -2


@given(raw_amounts)
def test_round_money_is_idempotent(value):
    once = round_money(value)
    assert round_money(once) == once


@given(money_amounts, rates)
def test_share_is_at_most_the_exact_product_and_within_a_fen(amount, rate):
    result = share(amount, rate)
    exact = amount * rate
    assert result <= exact
    assert exact - result < FEN
    assert result <= amount


@given(st.lists(money_amounts, min_size=1, max_size=8), rates)
def test_shares_of_parts_never_exceed_the_share_of_the_sum(parts, rate):
    # Splitting a contract into pieces can never yield more subsidy than the whole.
    total = sum(parts, Decimal("0"))
    of_sum = share(total, rate)
    sum_of_shares = sum((share(p, rate) for p in parts), Decimal("0"))
    assert sum_of_shares <= of_sum
    assert of_sum - sum_of_shares < FEN * len(parts)
    assert of_sum <= total * rate


@given(money_amounts, st.integers(min_value=0, max_value=3650), st.integers(min_value=1, max_value=3650))
def test_prorate_rounds_down(amount, numerator, denominator):
    result = prorate(amount, numerator, denominator)
    exact = amount * Decimal(numerator) / Decimal(denominator)
    assert result <= exact
    assert exact - result < FEN
    if numerator <= denominator:
        assert result <= amount


@given(money_amounts)
def test_prorate_whole_period_is_the_amount(amount):
    assert prorate(amount, 365, 365) == amount


@given(money_amounts)
def test_to_money_round_trips_exact_two_place_amounts(amount):
    assert to_money(str(amount)) == amount
    assert to_money(amount) == amount
    assert to_money(f"{amount:,}") == amount


@given(money_amounts, st.integers(min_value=1, max_value=9))
def test_to_money_refuses_a_third_decimal_place(amount, extra):
    with pytest.raises(MoneyError):
        to_money(amount + Decimal(extra) / 1000)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_to_money_refuses_every_float(value):
    with pytest.raises(MoneyError):
        to_money(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", ["NaN", "sNaN", "Infinity", "-Infinity", Decimal("NaN"), Decimal("Infinity")]
)
def test_to_money_refuses_non_finite(value):
    with pytest.raises(MoneyError):
        to_money(value)


@pytest.mark.parametrize("value", ["", "abc", "1.2.3", "12元", True])
def test_to_money_refuses_text_that_is_not_a_number(value):
    with pytest.raises(MoneyError):
        to_money(value)


@pytest.mark.parametrize("value", ["1e30", "1E+20", "1000000000000", "-1000000000000"])
def test_to_money_refuses_amounts_beyond_the_money_field(value):
    # A MoneyError (not a bare decimal.InvalidOperation) so forms and the API can report it.
    with pytest.raises(MoneyError):
        to_money(value)


def test_to_money_accepts_the_largest_money_field_amount():
    largest = to_money("999999999999.99")
    assert largest == Decimal("999999999999.99")
    field = MoneyField()
    assert len(largest.as_tuple().digits) == field.max_digits


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("200000", "200000.00"),
        (200000, "200000.00"),
        ("1,234.5", "1234.50"),
        (" 0.01 ", "0.01"),
        ("1E+2", "100.00"),
    ],
)
def test_to_money_normalises_to_two_places(value, expected):
    result = to_money(value)
    assert result == Decimal(expected)
    assert str(result) == expected


def test_round_money_refuses_floats():
    with pytest.raises(MoneyError):
        round_money(0.1)  # type: ignore[arg-type]


def test_share_examples_round_down():
    assert share(Decimal("33333.33"), Decimal("0.3")) == Decimal("9999.99")  # exact 9999.999
    assert share(Decimal("666666.67"), Decimal("0.30")) == Decimal("200000.00")  # exact 200000.001
    assert share(Decimal("0.03"), Decimal("0.3")) == Decimal("0.00")


def test_prorate_annualises_a_two_year_contract():
    # SPEC C5: a 2-year contract of 300,000 is subsidised on 150,000 a year.
    assert prorate(Decimal("300000.00"), 365, 730) == Decimal("150000.00")
    assert prorate(Decimal("100.00"), 1, 3) == Decimal("33.33")


def test_prorate_refuses_a_non_positive_denominator():
    with pytest.raises(MoneyError):
        prorate(Decimal("1"), 1, 0)
    with pytest.raises(MoneyError):
        prorate(Decimal("1"), 1, -3)


def test_wan_to_yuan():
    assert wan_to_yuan(Decimal("800")) == Decimal("8000000.00")
    assert wan_to_yuan(Decimal("0.123456")) == Decimal("1234.56")


def test_format_cny():
    assert format_cny(Decimal("1234.5")) == "¥1,234.50"
    assert format_cny(Decimal("200000")) == "¥200,000.00"


def test_money_field_defaults_and_deconstruct():
    field = MoneyField("金额")
    assert (field.max_digits, field.decimal_places) == (14, 2)
    _, path, _, kwargs = field.deconstruct()
    assert path == "voucher.core.models.MoneyField"
    assert "max_digits" not in kwargs and "decimal_places" not in kwargs
    custom = MoneyField(max_digits=10, decimal_places=4)
    assert custom.deconstruct()[3]["max_digits"] == 10
    assert custom.deconstruct()[3]["decimal_places"] == 4


@pytest.mark.django_db
def test_money_field_stores_two_places(programme_2025):
    programme_2025.annual_cap_per_enterprise = to_money("123456.7")
    programme_2025.save(update_fields=["annual_cap_per_enterprise"])
    programme_2025.refresh_from_db()
    assert programme_2025.annual_cap_per_enterprise == Decimal("123456.70")
    assert programme_2025.annual_cap_per_enterprise.as_tuple().exponent == -2

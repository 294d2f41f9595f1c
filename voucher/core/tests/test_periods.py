"""Legal periods (民法典 Art. 201–202): the event day is not counted, years and months end on the
corresponding day or the month's last day, and every period of the platform is counted that way."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voucher.core import clock, periods
from voucher.enforcement.services import sanction_period
from voucher.payouts.services import notice_end
from voucher.reviews.services import default_end

D = dt.date


@pytest.mark.parametrize(
    ("event", "length", "last"),
    [
        # The example: a 3-year ban recorded on 2025-07-01 has 2028-07-01 as its last day.
        (D(2025, 7, 1), {"years": 3}, D(2028, 7, 1)),
        # 29 February: a common year has none, so the period ends on 28 February.
        (D(2024, 2, 29), {"years": 1}, D(2025, 2, 28)),
        (D(2024, 2, 29), {"years": 4}, D(2028, 2, 29)),
        (D(2023, 2, 28), {"years": 1}, D(2024, 2, 28)),
        # Month ends: no 31 in the last month, so its last day.
        (D(2025, 1, 31), {"months": 1}, D(2025, 2, 28)),
        (D(2024, 1, 31), {"months": 1}, D(2024, 2, 29)),
        (D(2025, 8, 31), {"months": 1}, D(2025, 9, 30)),
        (D(2025, 12, 31), {"months": 2}, D(2026, 2, 28)),
        (D(2025, 11, 30), {"months": 3}, D(2026, 2, 28)),
        # Days and weeks are counted from the next day.
        (D(2025, 9, 30), {"weeks": 2}, D(2025, 10, 14)),
        (D(2024, 2, 15), {"weeks": 2}, D(2024, 2, 29)),
        (D(2025, 2, 28), {"days": 1}, D(2025, 3, 1)),
        (D(2024, 2, 28), {"days": 1}, D(2024, 2, 29)),
        (D(2025, 12, 25), {"days": 7}, D(2026, 1, 1)),
    ],
)
def test_rules_period_last_day(event, length, last):
    assert periods.last_day(event, **length) == last
    assert periods.in_period(event, last, **length)
    assert not periods.in_period(event, last + dt.timedelta(days=1), **length)


def test_rules_period_negative_length_refused():
    with pytest.raises(ValueError):
        periods.last_day(D(2025, 1, 1), days=-1)


@pytest.mark.parametrize(
    ("day", "length", "earliest"),
    [
        (D(2025, 7, 1), {"years": 3}, D(2022, 7, 1)),
        # On 29 February 2024, a record of 28 February 2023 ended the day before: the earliest is 1 March.
        (D(2024, 2, 29), {"years": 1}, D(2023, 3, 1)),
        # On 28 February 2025 both 28 and 29 February 2024 are still within one year.
        (D(2025, 2, 28), {"years": 1}, D(2024, 2, 28)),
        (D(2025, 3, 31), {"months": 1}, D(2025, 3, 1)),
        (D(2025, 10, 14), {"weeks": 2}, D(2025, 9, 30)),
    ],
)
def test_rules_period_earliest_event(day, length, earliest):
    assert periods.earliest_event(day, **length) == earliest


@given(
    event=st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)),
    day=st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)),
    unit=st.sampled_from(["years", "months", "weeks", "days"]),
    n=st.integers(min_value=0, max_value=40),
)
def test_rules_period_earliest_event_is_the_inverse_of_last_day(event, day, unit, n):
    length = {unit: n}
    assert (periods.last_day(event, **length) >= day) == (event >= periods.earliest_event(day, **length))


def test_rules_period_ban_of_three_years():
    assert sanction_period(D(2025, 7, 1), 3) == (D(2025, 7, 1), D(2028, 7, 1))
    assert sanction_period(D(2024, 2, 29), 3) == (D(2024, 2, 29), D(2027, 2, 28))


def test_rules_period_claim_window_two_weeks_after_use(programme_2025):
    programme_2025.claim_weeks_after_use = 2
    programme_2025.claim_final_date = D(2025, 10, 20)
    assert programme_2025.claim_deadline(D(2025, 9, 30)) == D(2025, 10, 14)
    assert programme_2025.claim_deadline(D(2025, 10, 10)) == D(2025, 10, 20)


def test_rules_period_notices_counted_from_the_next_day(programme_2025):
    programme_2025.notice_period_days = 5
    assert default_end(programme_2025, D(2025, 2, 26)) == D(2025, 3, 3)
    assert default_end(programme_2025, D(2024, 2, 26)) == D(2024, 3, 2)
    assert notice_end(D(2025, 12, 29), 5) == D(2026, 1, 3)


def test_rules_period_last_day_runs_to_midnight():
    end = clock.end_of_day(periods.last_day(D(2025, 1, 31), months=1))
    assert (end.date(), end.hour, end.minute) == (D(2025, 2, 28), 23, 59)

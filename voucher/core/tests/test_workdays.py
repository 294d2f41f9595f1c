"""Working days on the published 2025 and 2026 schedules (SPEC O6, Y4; data/reference/working_days.md)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from django.db import IntegrityError, transaction

from voucher.core.models import CalendarDay, HolidayScheduleYear
from voucher.core.workdays import (
    ScheduleMissing,
    add_working_days,
    is_working_day,
    scheduled_years,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = dt.date


def days_of(year: int) -> list[dt.date]:
    day, out = D(year, 1, 1), []
    while day.year == year:
        out.append(day)
        day += dt.timedelta(days=1)
    return out


# The worked examples of data/reference/working_days.md §3: event date, deadline, the five days counted.
WORKED_EXAMPLES = [
    (D(2025, 9, 30), D(2025, 10, 14), [D(2025, 10, 9), D(2025, 10, 10), D(2025, 10, 11), D(2025, 10, 13)]),
    (D(2025, 1, 24), D(2025, 2, 7), [D(2025, 1, 26), D(2025, 1, 27), D(2025, 2, 5), D(2025, 2, 6)]),
    (D(2025, 12, 31), D(2026, 1, 8), [D(2026, 1, 4), D(2026, 1, 5), D(2026, 1, 6), D(2026, 1, 7)]),
    (D(2026, 2, 13), D(2026, 2, 27), [D(2026, 2, 14), D(2026, 2, 24), D(2026, 2, 25), D(2026, 2, 26)]),
    (D(2026, 4, 30), D(2026, 5, 11), [D(2026, 5, 6), D(2026, 5, 7), D(2026, 5, 8), D(2026, 5, 9)]),
    (D(2026, 9, 18), D(2026, 9, 24), [D(2026, 9, 20), D(2026, 9, 21), D(2026, 9, 22), D(2026, 9, 23)]),
]


@pytest.mark.parametrize(("event", "deadline", "first_four"), WORKED_EXAMPLES, ids=lambda v: str(v))
def test_o6_five_working_days_worked_examples(event, deadline, first_four):
    assert add_working_days(event, 5) == deadline
    # The intermediate counts land exactly on the days the reference table lists.
    assert [add_working_days(event, n) for n in range(1, 5)] == first_four
    assert working_days_between(event, deadline) == 5
    assert working_days_between(event, deadline - dt.timedelta(days=1)) == 4


@pytest.mark.parametrize("year", [2025, 2026])
def test_y4_every_day_matches_chinesecalendar(year):
    mismatches = [day for day in days_of(year) if is_working_day(day) != chinese_calendar.is_workday(day)]
    assert mismatches == []


@pytest.mark.parametrize("year", [2025, 2026])
def test_y4_both_years_have_248_working_days(year):
    assert sum(is_working_day(day) for day in days_of(year)) == 248
    assert working_days_between(D(year, 1, 1), D(year, 12, 31)) == 248 - is_working_day(D(year, 1, 1))


@pytest.mark.parametrize("year", [2025, 2026])
def test_o6_add_working_days_matches_chinesecalendar_find_workday(year):
    # Every start date whose five-day count stays within the years chinesecalendar covers.
    # find_workday(n, d) takes a rest day d itself as its starting workday search, so from a rest
    # day "the 5th working day after d" is find_workday(4, d) there.
    for start in days_of(year):
        if start > D(2026, 12, 20):
            break
        delta = 5 if chinese_calendar.is_workday(start) else 4
        assert add_working_days(start, 5) == chinese_calendar.find_workday(delta, start), start


def test_o6_adjusted_working_sunday_2025_01_26_counts():
    assert D(2025, 1, 26).weekday() == 6
    assert is_working_day(D(2025, 1, 26))
    # Friday 1-24 → the first working day after it is that Sunday, not Monday.
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 26)


def test_o6_adjusted_working_sunday_2025_09_28_counts():
    assert D(2025, 9, 28).weekday() == 6
    assert is_working_day(D(2025, 9, 28))
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert not is_working_day(D(2025, 9, 27))  # the Saturday before stays a rest day


def test_o6_adjusted_working_saturday_2025_10_11_counts():
    assert D(2025, 10, 11).weekday() == 5
    assert is_working_day(D(2025, 10, 11))
    assert add_working_days(D(2025, 10, 10), 1) == D(2025, 10, 11)
    assert not is_working_day(D(2025, 10, 12))


def test_o6_deadline_crosses_national_day_2025():
    start = D(2025, 9, 30)
    for day in [D(2025, 10, m) for m in range(1, 9)]:
        assert not is_working_day(day), day
    assert add_working_days(start, 5) == D(2025, 10, 14)
    # Naive Monday–Friday counting would have given 10-07: the holiday must push it out a week.
    assert add_working_days(start, 1) == D(2025, 10, 9)


def test_o6_weekday_statutory_holidays_are_rest_days():
    for day in [D(2025, 1, 1), D(2025, 5, 1), D(2025, 5, 5), D(2025, 6, 2), D(2026, 1, 2), D(2026, 10, 7)]:
        assert day.weekday() < 5
        assert not is_working_day(day), day


def test_o6_event_on_a_rest_day_starts_from_the_next_working_day():
    # Ordered on National Day itself: the count starts at 10-09.
    assert add_working_days(D(2025, 10, 3), 1) == D(2025, 10, 9)
    assert add_working_days(D(2025, 10, 3), 5) == D(2025, 10, 14)


def test_o6_add_working_days_refuses_zero_or_negative():
    with pytest.raises(ValueError):
        add_working_days(D(2025, 3, 3), 0)
    with pytest.raises(ValueError):
        add_working_days(D(2025, 3, 3), -1)


def test_working_days_between_is_half_open_and_zero_when_reversed():
    monday, friday = D(2025, 3, 3), D(2025, 3, 7)
    assert working_days_between(monday, friday) == 4  # Tue–Fri; the start day is not counted
    assert working_days_between(monday, monday) == 0
    assert working_days_between(friday, monday) == 0
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 8)) == 0


@pytest.mark.parametrize("count", [1, 5, 10, 22, 60])
def test_working_days_between_inverts_add_working_days(count):
    for start in [D(2025, 1, 20), D(2025, 4, 25), D(2025, 9, 26), D(2026, 2, 10)]:
        deadline = add_working_days(start, count)
        assert working_days_between(start, deadline) == count
        assert is_working_day(deadline)


def test_y4_deadline_reaching_2027_is_refused_naming_the_year():
    with pytest.raises(ScheduleMissing) as caught:
        add_working_days(D(2026, 12, 28), 5)
    assert caught.value.year == 2027
    assert "2027 年" in str(caught.value)
    assert caught.value.code == "holiday_schedule_missing"


def test_y4_is_working_day_in_an_unscheduled_year_is_refused():
    with pytest.raises(ScheduleMissing) as caught:
        is_working_day(D(2027, 3, 1))
    assert caught.value.year == 2027
    with pytest.raises(ScheduleMissing):
        working_days_between(D(2026, 12, 1), D(2027, 1, 10))
    with pytest.raises(ScheduleMissing) as earlier:
        is_working_day(D(2024, 6, 3))
    assert "2024" in str(earlier.value)


def test_y4_deadline_late_in_a_scheduled_year_does_not_need_the_next_year():
    # An order on 2026-12-01 is due 2026-12-08; the missing 2027 schedule must not block it.
    assert add_working_days(D(2026, 12, 1), 5) == D(2026, 12, 8)
    assert add_working_days(D(2026, 12, 24), 5) == D(2026, 12, 31)
    assert add_working_days(D(2026, 6, 15), 60) == chinese_calendar.find_workday(60, D(2026, 6, 15))


def enter_2027_new_year_schedule() -> HolidayScheduleYear:
    """What an admin would type in: 2027 元旦 on Friday 1-1 (hypothetical notice for the test)."""
    schedule = HolidayScheduleYear.objects.create(
        year=2027, notice="国务院办公厅关于2027年部分节假日安排的通知（测试）"
    )
    CalendarDay.objects.create(
        schedule=schedule, date=D(2027, 1, 1), kind=CalendarDay.Kind.REST, festival="元旦"
    )
    return schedule


def test_y4_after_admin_enters_2027_the_same_deadline_is_computed():
    with pytest.raises(ScheduleMissing):
        add_working_days(D(2026, 12, 28), 5)
    enter_2027_new_year_schedule()
    # 12-29, 12-30, 12-31, (1-1 rest, weekend), 1-4, 1-5.
    assert add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 5)
    assert not is_working_day(D(2027, 1, 1))
    assert 2027 in scheduled_years()


def test_y4_entered_adjusted_working_weekend_counts_in_the_new_year():
    schedule = enter_2027_new_year_schedule()
    CalendarDay.objects.create(
        schedule=schedule, date=D(2027, 1, 2), kind=CalendarDay.Kind.WORK, festival="元旦"
    )
    assert add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 4)


def test_y4_scheduled_years_are_the_seeded_ones():
    assert scheduled_years() == [2025, 2026]
    assert HolidayScheduleYear.objects.get(year=2025).days.filter(kind=CalendarDay.Kind.WORK).count() == 5
    assert HolidayScheduleYear.objects.get(year=2026).days.filter(kind=CalendarDay.Kind.WORK).count() == 6


def test_calendar_day_kind_is_constrained_in_the_database():
    schedule = HolidayScheduleYear.objects.get(year=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(schedule=schedule, date=D(2025, 7, 7), kind="half", festival="x")


def test_calendar_day_date_is_unique():
    schedule = HolidayScheduleYear.objects.get(year=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(
            schedule=schedule, date=D(2025, 1, 1), kind=CalendarDay.Kind.REST, festival="元旦"
        )


def test_schedule_year_is_unique():
    with pytest.raises(IntegrityError), transaction.atomic():
        HolidayScheduleYear.objects.create(year=2025, notice="重复")

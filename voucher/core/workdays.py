"""Mainland-China working days (SPEC O6, Y4).

A date is a working day when it is Monday–Friday and not a day off (放假), or when it is a weekend
day the State Council made a working day (调休上班). The schedule is data (:class:`CalendarDay`),
seeded from the published notices and editable by admins. A computation that reaches a year
without a schedule fails closed with :class:`ScheduleMissing` — it never guesses.
"""

from __future__ import annotations

import datetime as dt

from voucher.core.models import CalendarDay, HolidayScheduleYear

ONE_DAY = dt.timedelta(days=1)


class ScheduleMissing(Exception):
    """No holiday schedule is on record for ``year``."""

    code = "holiday_schedule_missing"

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"尚未录入 {year} 年的节假日安排（国务院办公厅通知），无法计算工作日期限。"
            f"请管理员在“节假日安排”中录入 {year} 年的放假与调休日期后重试。"
        )


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """The schedule's exceptions in [start, end], after checking every year in between is on record."""
    needed = set(range(start.year, end.year + 1))
    known = set(HolidayScheduleYear.objects.filter(year__in=needed).values_list("year", flat=True))
    missing = sorted(needed - known)
    if missing:
        raise ScheduleMissing(missing[0])
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind"))


def _is_working(day: dt.date, overrides: dict[dt.date, str]) -> bool:
    kind = overrides.get(day)
    if kind == CalendarDay.Kind.REST:
        return False
    if kind == CalendarDay.Kind.WORK:
        return True
    return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day."""
    return _is_working(day, _overrides(day, day))


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day strictly after ``start`` (the event day itself is not counted).

    "5 个工作日内" from an order on ``start`` ends at the end of ``add_working_days(start, 5)``.
    Only the years the count actually walks through need a schedule: a deadline on 2026-12-08
    is computable before the 2027 notice is out, a deadline in 2027 is not.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    overrides = _overrides(start, dt.date(start.year, 12, 31))
    day, found = start, 0
    while found < count:
        day += ONE_DAY
        if day.month == 1 and day.day == 1:
            overrides = _overrides(day, dt.date(day.year, 12, 31))
        if _is_working(day, overrides):
            found += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in the half-open interval (start, end] — how many of a deadline's days have passed."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += _is_working(day, overrides)
    return count


def scheduled_years() -> list[int]:
    """Years with a published schedule on record."""
    return list(HolidayScheduleYear.objects.order_by("year").values_list("year", flat=True))

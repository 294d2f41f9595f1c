"""Legal periods counted in years, months, weeks or days (民法典 Articles 201–202).

* Art. 201: the day of the event that starts the period is not counted; counting starts the next day.
* Art. 202: a period counted in years or months ends on the corresponding day of its last year or month;
  when that month has no such day, on the month's last day.
* Art. 203 (second paragraph): the last day runs until 24:00 — :func:`voucher.core.clock.end_of_day`.

So a 3-year ban recorded on 2025-07-01 has 2028-07-01 as its last day, a 2-week claim window after a
service ending on 2025-09-30 closes at the end of 2025-10-14, and a 1-month period starting on 31 January
ends on 28 (or 29) February. Every period of the platform is counted here, and nowhere else.
"""

from __future__ import annotations

import calendar
import datetime as dt

ONE_DAY = dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (negative moves back), clamped to the last day of the
    target month when it has no such day (Art. 202)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day(event: dt.date, *, years: int = 0, months: int = 0, weeks: int = 0, days: int = 0) -> dt.date:
    """The last day of a period that starts with an event on ``event`` (not counted, Art. 201) and runs
    ``years``/``months`` (to the corresponding day, Art. 202) plus ``weeks``/``days`` (counted from the
    next day). The period is in force up to the end of that day."""
    if min(years, months, weeks, days) < 0:
        raise ValueError("a period cannot be negative")
    return add_months(event, 12 * years + months) + dt.timedelta(weeks=weeks, days=days)


def in_period(event: dt.date, day: dt.date, **length: int) -> bool:
    """Whether ``day`` still falls within the period started by ``event`` (its counted days, or the event day)."""
    return event <= day <= last_day(event, **length)


def earliest_event(day: dt.date, **length: int) -> dt.date:
    """The earliest event date whose period of ``length`` still covers ``day`` — the inverse of
    :func:`last_day`, for queries such as "recorded within the last 3 years" or "use ended at most 2 weeks
    ago". Month-end clamping makes the plain subtraction off by a day or two at month ends, so it is
    corrected against :func:`last_day` itself."""
    years, months = length.get("years", 0), length.get("months", 0)
    back = dt.timedelta(weeks=length.get("weeks", 0), days=length.get("days", 0))
    candidate = add_months(day - back, -(12 * years + months))
    while last_day(candidate, **length) < day:
        candidate += ONE_DAY
    while last_day(candidate - ONE_DAY, **length) >= day:
        candidate -= ONE_DAY
    return candidate

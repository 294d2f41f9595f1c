"""The one clock every rule reads "now" from (SPEC Y5).

Tests and the demo move time with :func:`frozen_at`; production reads the system clock.
That override lives in a context variable, so it never leaks between threads or requests. Browser
tests, whose live server answers in other threads, move the whole process forward with :func:`travel`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

_frozen: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("voucher_clock", default=None)
_travelled = dt.timedelta(0)


def now() -> dt.datetime:
    """The current moment, timezone-aware, in Asia/Shanghai."""
    frozen = _frozen.get()
    if frozen is not None:
        return frozen
    return dt.datetime.now(tz=SHANGHAI) + _travelled


def today() -> dt.date:
    """Today's date in Asia/Shanghai — the date every deadline is counted in."""
    return now().date()


def local(moment: dt.datetime) -> dt.datetime:
    """``moment`` expressed in Asia/Shanghai."""
    return moment.astimezone(SHANGHAI)


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in Asia/Shanghai (deadlines run to the end of their day)."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=SHANGHAI)


@contextmanager
def frozen_at(moment: dt.datetime | dt.date) -> Iterator[dt.datetime]:
    """Stand on ``moment`` until the block ends. A date means 09:00 Shanghai time on that day."""
    if isinstance(moment, dt.datetime):
        # An aware moment in another zone is converted, so today() is always the Shanghai date.
        pinned = moment.astimezone(SHANGHAI) if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
    else:
        pinned = dt.datetime.combine(moment, dt.time(9, 0), tzinfo=SHANGHAI)
    token = _frozen.set(pinned)
    try:
        yield pinned
    finally:
        _frozen.reset(token)


@contextmanager
def travel(delta: dt.timedelta) -> Iterator[None]:
    """Move every thread of this process ``delta`` ahead until the block ends (browser tests only)."""
    global _travelled
    before = _travelled
    _travelled = before + delta
    try:
        yield
    finally:
        _travelled = before

"""The one injectable clock (SPEC Y5): Asia/Shanghai, frozen per context, never leaking."""

from __future__ import annotations

import contextvars
import datetime as dt
import threading

import pytest

from voucher.core import clock

UTC = dt.UTC
EIGHT_HOURS = dt.timedelta(hours=8)


def test_y5_now_is_aware_and_in_shanghai():
    moment = clock.now()
    assert moment.tzinfo is not None
    assert moment.utcoffset() == EIGHT_HOURS
    real = dt.datetime.now(tz=UTC)
    assert abs(moment - real) < dt.timedelta(seconds=5)


def test_y5_frozen_at_a_date_stands_at_nine_in_shanghai():
    with clock.frozen_at(dt.date(2025, 5, 16)) as pinned:
        assert clock.now() == pinned
        assert pinned == dt.datetime(2025, 5, 16, 9, 0, tzinfo=clock.SHANGHAI)
        assert clock.today() == dt.date(2025, 5, 16)


def test_y5_frozen_at_a_naive_datetime_means_shanghai_time():
    with clock.frozen_at(dt.datetime(2025, 9, 30, 23, 30)):
        assert clock.now().utcoffset() == EIGHT_HOURS
        assert clock.now().hour == 23
        assert clock.today() == dt.date(2025, 9, 30)


def test_y5_frozen_at_an_aware_utc_moment_reports_the_shanghai_date():
    # 2025-09-30 20:00 UTC is 2025-10-01 04:00 in Beijing: deadlines are counted from the Beijing date.
    with clock.frozen_at(dt.datetime(2025, 9, 30, 20, 0, tzinfo=UTC)):
        assert clock.now() == dt.datetime(2025, 9, 30, 20, 0, tzinfo=UTC)
        assert clock.now().utcoffset() == EIGHT_HOURS
        assert clock.today() == dt.date(2025, 10, 1)


def test_y5_frozen_time_does_not_move():
    with clock.frozen_at(dt.date(2025, 6, 1)):
        first = clock.now()
        second = clock.now()
    assert first == second


def test_y5_nested_freezes_restore_the_outer_one():
    with clock.frozen_at(dt.date(2025, 1, 1)):
        with clock.frozen_at(dt.date(2026, 1, 1)):
            assert clock.today() == dt.date(2026, 1, 1)
        assert clock.today() == dt.date(2025, 1, 1)
    assert abs(clock.now() - dt.datetime.now(tz=UTC)) < dt.timedelta(seconds=5)


def test_y5_freeze_is_released_when_the_block_raises():
    with pytest.raises(RuntimeError), clock.frozen_at(dt.date(2020, 2, 2)):
        raise RuntimeError("boom")
    assert abs(clock.now() - dt.datetime.now(tz=UTC)) < dt.timedelta(seconds=5)


def test_y5_freeze_does_not_leak_into_another_thread():
    seen: list[dt.datetime] = []
    with clock.frozen_at(dt.date(2020, 2, 2)):
        worker = threading.Thread(target=lambda: seen.append(clock.now()))
        worker.start()
        worker.join()
    assert seen and seen[0].year != 2020
    assert abs(seen[0] - dt.datetime.now(tz=UTC)) < dt.timedelta(seconds=5)


def test_y5_freeze_inside_a_copied_context_does_not_leak_out():
    def freeze_and_read() -> dt.date:
        cm = clock.frozen_at(dt.date(2020, 2, 2))
        cm.__enter__()  # left open on purpose: only the copied context may see it
        return clock.today()

    inside = contextvars.copy_context().run(freeze_and_read)
    assert inside == dt.date(2020, 2, 2)
    assert clock.today() != dt.date(2020, 2, 2)


def test_local_and_end_of_day():
    moment = dt.datetime(2025, 12, 31, 16, 30, tzinfo=UTC)
    local = clock.local(moment)
    assert local == moment
    assert (local.date(), local.hour) == (dt.date(2026, 1, 1), 0)
    end = clock.end_of_day(dt.date(2025, 10, 14))
    assert end.utcoffset() == EIGHT_HOURS
    assert (end.date(), end.hour, end.minute, end.second) == (dt.date(2025, 10, 14), 23, 59, 59)
    assert end + dt.timedelta(microseconds=1) == dt.datetime(2025, 10, 15, tzinfo=clock.SHANGHAI)


def test_y5_travel_moves_every_thread_and_comes_back():
    start = clock.now()
    seen: list[dt.date] = []
    with clock.travel(dt.timedelta(days=7)):
        worker = threading.Thread(target=lambda: seen.append(clock.today()))
        worker.start()
        worker.join()
        assert clock.today() >= (start + dt.timedelta(days=7)).date()
    assert seen and seen[0] >= (start + dt.timedelta(days=7)).date()
    assert clock.now() - start < dt.timedelta(days=1)

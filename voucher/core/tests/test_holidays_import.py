"""Entering a year's holiday schedule without a code release (SPEC Y4): holidays_import and holiday_data."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command

from voucher.core.holiday_data import SCHEDULE_CSV, read_chinesecalendar, read_schedule_csv
from voucher.core.models import AuditEvent, CalendarDay, HolidayScheduleYear
from voucher.core.workdays import ScheduleMissing, add_working_days, is_working_day

pytestmark = pytest.mark.django_db

HEADER = "date,weekday,type,festival,source\n"
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知（测试）"


def write_csv(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "schedule.csv"
    path.write_text(HEADER + "".join(f"{row},{NOTICE_2027}\n" for row in rows), encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("holidays_import", *args, stdout=out)
    return out.getvalue()


def test_y4_seed_csv_holds_both_published_years():
    years = read_schedule_csv(SCHEDULE_CSV)
    assert sorted(years) == [2025, 2026]
    work_2025 = {day for day, kind, _ in years[2025]["days"] if kind == "work"}
    assert work_2025 == {dt.date(2025, m, d) for m, d in [(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)]}
    assert "国办发明电〔2024〕12号" in years[2025]["notice"]


def test_y4_import_2027_from_csv_makes_the_deadline_computable(tmp_path):
    with pytest.raises(ScheduleMissing):
        add_working_days(dt.date(2026, 12, 28), 5)
    path = write_csv(
        tmp_path,
        [
            "2027-01-01,周五,rest(放假),元旦",
            "2027-02-06,周六,work(调休上班),春节",
            "2027-02-08,周一,rest(放假),春节",
        ],
    )
    output = run("--csv", str(path))
    assert "2027" in output and "3" in output
    schedule = HolidayScheduleYear.objects.get(year=2027)
    assert schedule.notice == NOTICE_2027
    assert schedule.days.count() == 3
    assert add_working_days(dt.date(2026, 12, 28), 5) == dt.date(2027, 1, 5)
    assert is_working_day(dt.date(2027, 2, 6))  # a Saturday made a working day
    assert not is_working_day(dt.date(2027, 2, 8))  # a Monday made a rest day
    event = AuditEvent.objects.for_object(schedule).get()
    assert event.action == "holiday_schedule.imported"
    assert event.actor is None and event.actor_label == "系统"
    assert event.after == {"days": 3}


def test_y4_reimport_replaces_the_year(tmp_path):
    run(
        "--csv",
        str(write_csv(tmp_path, ["2027-01-01,周五,rest(放假),元旦", "2027-01-04,周一,rest(放假),元旦"])),
    )
    run("--csv", str(write_csv(tmp_path, ["2027-01-01,周五,rest(放假),元旦"])))
    assert HolidayScheduleYear.objects.filter(year=2027).count() == 1
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [
        dt.date(2027, 1, 1)
    ]
    assert is_working_day(dt.date(2027, 1, 4))


def test_y4_bad_type_is_refused_and_nothing_is_saved(tmp_path):
    path = write_csv(tmp_path, ["2027-01-01,周五,rest(放假),元旦", "2027-01-02,周六,half(半天),元旦"])
    with pytest.raises(CommandError) as caught:
        run("--csv", str(path))
    assert "half" in str(caught.value)
    assert not HolidayScheduleYear.objects.filter(year=2027).exists()


def test_y4_bad_date_is_refused(tmp_path):
    path = write_csv(tmp_path, ["2027-13-01,周五,rest(放假),元旦"])
    with pytest.raises(CommandError):
        run("--csv", str(path))
    assert not HolidayScheduleYear.objects.filter(year=2027).exists()


def test_y4_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError) as caught:
        run("--csv", str(tmp_path / "absent.csv"))
    assert "absent.csv" in str(caught.value)


def test_y4_missing_column_is_refused(tmp_path):
    path = tmp_path / "schedule.csv"
    path.write_text("date,type\n2027-01-01,rest(放假)\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run("--csv", str(path))
    assert not HolidayScheduleYear.objects.filter(year=2027).exists()


def test_y4_chinesecalendar_has_no_2027_and_the_command_says_so():
    with pytest.raises(CommandError) as caught:
        run("--from-chinesecalendar", "2027")
    assert "2027" in str(caught.value)
    assert not HolidayScheduleYear.objects.filter(year=2027).exists()


def test_y4_a_source_is_required():
    with pytest.raises(CommandError):
        run()


@pytest.mark.parametrize("year", [2025, 2026])
def test_y4_import_from_chinesecalendar_gives_the_same_calendar(year):
    output = run("--from-chinesecalendar", str(year))
    assert f"{year}" in output
    assert "chinesecalendar" in HolidayScheduleYear.objects.get(year=year).notice
    day = dt.date(year, 1, 1)
    while day.year == year:
        assert is_working_day(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_read_chinesecalendar_names_festivals_in_chinese():
    data = read_chinesecalendar(2025)
    by_date = {day: (kind, festival) for day, kind, festival in data["days"]}
    assert by_date[dt.date(2025, 10, 1)] == ("rest", "国庆节")
    assert by_date[dt.date(2025, 1, 26)] == ("work", "春节")
    assert by_date[dt.date(2025, 1, 1)] == ("rest", "元旦")
    assert dt.date(2025, 3, 8) not in by_date  # an ordinary Saturday is not an exception

"""Loading published holiday schedules: from the project's CSV (the notices, date by date) or from
the ``chinesecalendar`` package for a year it covers."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

SCHEDULE_CSV = (
    Path(__file__).resolve().parent.parent.parent / "data" / "reference" / "cn_holiday_schedule_2025_2026.csv"
)


def read_schedule_csv(path: Path = SCHEDULE_CSV) -> dict[int, dict[str, Any]]:
    """``{year: {"notice": str, "days": [(date, kind, festival)]}}`` from a CSV with columns
    date, weekday, type (``rest(放假)`` / ``work(调休上班)``), festival, source."""
    years: dict[int, dict[str, Any]] = defaultdict(lambda: {"notice": "", "days": []})
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            day = dt.date.fromisoformat(row["date"])
            kind = row["type"].split("(")[0].strip()
            if kind not in {"rest", "work"}:
                raise ValueError(f"{row['date']}: unknown type {row['type']!r}")
            years[day.year]["notice"] = row["source"]
            years[day.year]["days"].append((day, kind, row["festival"]))
    return dict(years)


def read_chinesecalendar(year: int) -> dict[str, Any]:
    """The same shape from the ``chinesecalendar`` package (raises NotImplementedError for years it lacks)."""
    import chinese_calendar

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days = []
    day = start
    while day <= end:
        workday = chinese_calendar.is_workday(day)
        _, name = chinese_calendar.get_holiday_detail(day)
        if not workday and (day.weekday() < 5 or name):
            days.append((day, "rest", _festival_name(name)))
        elif day.weekday() >= 5 and workday:
            days.append((day, "work", _festival_name(chinese_calendar.get_holiday_detail(day)[1])))
        day += dt.timedelta(days=1)
    return {"notice": f"chinesecalendar {chinese_calendar.__version__}（{year} 年）", "days": days}


FESTIVALS = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}


def _festival_name(name: Any) -> str:
    text = getattr(name, "value", name) or ""
    return FESTIVALS.get(str(text), str(text) or "调休")


def store_schedule(models: Any, year: int, notice: str, days: list[tuple[dt.date, str, str]]) -> Any:
    """Create or replace one year's schedule; ``models`` holds HolidayScheduleYear and CalendarDay."""
    schedule, _ = models.HolidayScheduleYear.objects.update_or_create(
        year=year, defaults={"notice": notice[:300]}
    )
    models.CalendarDay.objects.filter(schedule=schedule).delete()
    models.CalendarDay.objects.bulk_create(
        [models.CalendarDay(schedule=schedule, date=d, kind=k, festival=f[:40]) for d, k, f in days]
    )
    return schedule

"""Enter a year's published holiday schedule (SPEC Y4) without a code release.

manage.py holidays_import --csv schedule.csv          # columns: date,weekday,type,festival,source
manage.py holidays_import --from-chinesecalendar 2026 # a year the installed package covers
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from voucher.core.audit import audit_record
from voucher.core.holiday_data import read_chinesecalendar, read_schedule_csv, store_schedule
from voucher.core.models import CalendarDay, HolidayScheduleYear


class Command(BaseCommand):
    help = "录入年度节假日安排（国务院办公厅通知）"

    def add_arguments(self, parser: Any) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--csv", type=Path, help="CSV 文件：date,weekday,type,festival,source")
        source.add_argument(
            "--from-chinesecalendar", type=int, metavar="YEAR", help="从 chinesecalendar 包导入该年"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["csv"]:
            try:
                years = read_schedule_csv(options["csv"])
            except (OSError, ValueError, KeyError) as exc:
                raise CommandError(f"无法读取 {options['csv']}：{exc}") from exc
        else:
            year = options["from_chinesecalendar"]
            try:
                years = {year: read_chinesecalendar(year)}
            except NotImplementedError as exc:
                raise CommandError(f"chinesecalendar 尚无 {year} 年数据：{exc}") from exc
        models = SimpleNamespace(HolidayScheduleYear=HolidayScheduleYear, CalendarDay=CalendarDay)
        with transaction.atomic():
            for year, data in sorted(years.items()):
                schedule = store_schedule(models, year, data["notice"], data["days"])
                audit_record(
                    actor=None,
                    action="holiday_schedule.imported",
                    obj=schedule,
                    after={"days": len(data["days"])},
                )
                self.stdout.write(f"{year}：已录入 {len(data['days'])} 个放假/调休日期（{data['notice']}）")

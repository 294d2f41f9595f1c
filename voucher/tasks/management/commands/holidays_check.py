"""``manage.py holidays_check``: from November on, alert the administrators when next year's holiday
schedule is missing (the same service the scheduled task calls)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from voucher.tasks.services import holiday_schedule_check


class Command(BaseCommand):
    help = "检查是否已录入下一年的节假日安排（11 月起），缺少时通知市经信局管理员"

    def handle(self, *args: Any, **options: Any) -> None:
        missing = holiday_schedule_check()
        if missing:
            self.stdout.write(f"尚未录入 {missing} 年节假日安排，已通知管理员。")
        else:
            self.stdout.write("节假日安排齐全（或尚未到检查时间）。")

"""``manage.py outbox_redispatch``: publish again the deliveries and jobs still pending a few minutes after
they were due (the same services the scheduled task calls)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from voucher.core.notifications import deliveries_redispatch
from voucher.tasks.services import jobs_redispatch


class Command(BaseCommand):
    help = "重新派发超过几分钟仍未处理的通知投递和后台任务"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"重新派发通知投递 {deliveries_redispatch()} 条，后台任务 {jobs_redispatch()} 个。")

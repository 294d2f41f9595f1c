"""Cancel orders not accepted within the acceptance window and remind providers of orders due today.

Idempotent and safe to run concurrently: run it from cron every minute and from a task worker.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from voucher.orders.services import orders_sweep


class Command(BaseCommand):
    help = "超时未接单的订单自动取消（服务券与额度退回），并提醒今日到期的订单"

    def handle(self, *args: Any, **options: Any) -> None:
        result = orders_sweep()
        self.stdout.write(f"已自动取消 {result['expired']} 笔订单，发送接单提醒 {result['reminded']} 条。")

"""``manage.py claims_sweep``: claims not filed by the end of the claim period count as waived (R5).

Idempotent and safe to run concurrently (e.g. from cron on several hosts).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from voucher.claims.services import claims_sweep


class Command(BaseCommand):
    help = "将兑券期限届满仍未申请兑券的订单视同放弃兑付，并释放其占用的服务券额度。"

    def handle(self, *args: Any, **options: Any) -> None:
        waived = claims_sweep()
        self.stdout.write(f"视同放弃兑付：{len(waived)} 笔")

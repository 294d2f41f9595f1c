"""Check every quota ledger and voucher count against the orders, contracts, claims and payout batches, and
that every payout batch adds up; list each mismatch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from voucher.enforcement.invariants import ledger_mismatches


class Command(BaseCommand):
    help = "核对额度账户与服务券数量是否与订单、合同、兑券、兑付批次一致，兑付批次合计是否等于明细"

    def handle(self, *args: Any, **options: Any) -> None:
        found = ledger_mismatches()
        for mismatch in found:
            self.stdout.write(str(mismatch))
        if found:
            raise CommandError(f"发现 {len(found)} 处不一致。")
        self.stdout.write("额度账户、服务券数量与兑付批次全部一致（0 处不一致）。")

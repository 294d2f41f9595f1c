"""Check that the audit log is intact (SPEC M3): recompute every content hash and the chain.

manage.py audit_verify            # seals new events first, then verifies; exit status 1 when broken
manage.py audit_verify --no-seal  # verify only (e.g. on a read-only replica or a restored copy)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from voucher.core.audit_chain import audit_seal, audit_verify


class Command(BaseCommand):
    help = "校验审计日志哈希链：重新计算每条的内容哈希和链哈希，指出第一处被篡改或删除的条目"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-seal", action="store_true", help="校验前不封存新的条目")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_seal"]:
            audit_seal()
        result = audit_verify()
        if not result.ok:
            assert result.problem is not None
            raise CommandError(
                f"审计日志校验失败（共 {result.problems} 处问题），第一处：{result.problem.describe()}"
            )
        self.stdout.write(
            f"OK 审计日志完整：共 {result.events} 条，已封存 {result.sealed} 条，未封存 {result.unsealed} 条；"
            f"链头序号 {result.head_seq}，链头哈希 {result.head_hash}"
        )

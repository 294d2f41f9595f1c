"""Seal the audit events recorded since the last run into the hash chain (SPEC M3).

manage.py audit_seal     # idempotent, safe on several hosts at once; run it every minute from cron
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from voucher.core.audit_chain import audit_seal


class Command(BaseCommand):
    help = "把新的审计日志条目封存进哈希链（可重复执行，可并发执行）"

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_seal()
        self.stdout.write(f"已封存 {result.sealed} 条；链长 {result.seq}，链头哈希 {result.head_hash}")

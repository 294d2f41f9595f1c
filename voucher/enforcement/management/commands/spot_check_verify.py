"""Re-derive a spot check's sample from its recorded seed and population and compare (SPEC M2).

Exit status 1 when any check does not verify, so it can run in a scheduled job.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from voucher.enforcement.models import SpotCheck
from voucher.enforcement.selectors import spot_check_verify


class Command(BaseCommand):
    help = "核验抽查：按记录的随机种子和总体重新抽取并与当前总体比较（参数：抽查编号如 CC00001，或 --all）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("numbers", nargs="*", help="抽查编号（CC00001）或数据库 id")
        parser.add_argument("--all", action="store_true", help="核验全部抽查")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"]:
            checks = list(SpotCheck.objects.select_related("programme").order_by("pk"))
        else:
            ids = [int(str(n).upper().removeprefix("CC")) for n in options["numbers"] if str(n).strip()]
            if not ids:
                raise CommandError("请给出抽查编号，或使用 --all。")
            checks = list(SpotCheck.objects.select_related("programme").filter(pk__in=ids).order_by("pk"))
            if len(checks) != len(set(ids)):
                raise CommandError("部分抽查编号不存在。")
        failed = 0
        for check in checks:
            result = spot_check_verify(check)
            line = f"{check.number} {check.title}: {result.summary}"
            if result.matches:
                self.stdout.write(self.style.SUCCESS(line))
            else:
                failed += 1
                self.stdout.write(self.style.ERROR(line))
        if failed:
            raise SystemExit(1)

"""Restore a backup made by ``backup_create`` into a new database and a media folder, after checking it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from voucher.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "校验备份清单后，把数据库恢复到新建的空数据库，并把上传文件恢复到指定目录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", required=True, help="backup_create 生成的备份目录")
        parser.add_argument(
            "--database-url", required=True, help="目标数据库（新建的空库，如 postgres://…/voucher_restored）"
        )
        parser.add_argument("--media-root", required=True, help="上传文件恢复到的目录")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = backup_restore(
                source=Path(options["source"]),
                database_url=options["database_url"],
                media_root=Path(options["media_root"]),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已恢复数据库 {restored.database}，上传文件 {restored.media_files} 个。")

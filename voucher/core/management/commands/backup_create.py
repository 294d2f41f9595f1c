"""Back up the database and the uploaded files into a new folder with a SHA-256 manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from voucher.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL 用 pg_dump 自定义格式，SQLite 用在线备份）和上传文件，并写出 SHA-256 清单"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dest", required=True, help="备份目录（在其中新建一个带时间的子目录）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            folder = backup_create(dest=Path(options["dest"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))

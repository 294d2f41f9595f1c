"""Backup and restore of the database and the uploaded files, with a manifest of SHA-256 sums.

A backup is a folder holding the database (``database.dump``, PostgreSQL's custom format from
``pg_dump``; or ``database.sqlite3``, a consistent copy through SQLite's online backup API), the
uploaded files (``media.tar.gz``, the whole ``MEDIA_ROOT``) and ``manifest.json`` naming each part
with its size and SHA-256. A restore checks every sum first and refuses a damaged or incomplete backup;
it restores into a new, empty database and never over the one the platform is running on.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connection

from voucher.core import clock

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media.tar.gz"
FORMAT = 1


class BackupError(Exception):
    """A backup could not be made or restored; the message says why, in Chinese."""


@dataclass(frozen=True)
class Restored:
    """What a restore produced: the target database's name (or file) and the number of files unpacked."""

    database: str
    media_files: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_args(config: Any) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for the PostgreSQL client programs."""
    args = ["--host", str(config.get("HOST") or "127.0.0.1"), "--port", str(config.get("PORT") or 5432)]
    if config.get("USER"):
        args += ["--username", str(config["USER"])]
    env = dict(os.environ)
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"找不到程序 {command[0]}，请安装 PostgreSQL 客户端工具。") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip()[:2000]}")


def _dump_database(dest: Path) -> str:
    config = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_args(config)
        _run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                "--no-owner",
                "--file",
                str(dest / PG_DUMP),
                str(config["NAME"]),
            ],
            env,
        )
        return PG_DUMP
    if connection.vendor == "sqlite":
        source = sqlite3.connect(str(config["NAME"]))
        target = sqlite3.connect(str(dest / SQLITE_COPY))
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return SQLITE_COPY
    raise BackupError(f"不支持备份 {connection.vendor} 数据库。")


# Background jobs' files (exports, earlier backups offered for download) are made again on demand and
# are left out, so a backup never holds the previous ones.
SKIPPED_MEDIA = ("jobs",)


def _archive_media(dest: Path) -> tuple[str, int]:
    root = Path(settings.MEDIA_ROOT)
    count = 0
    with tarfile.open(dest / MEDIA, "w:gz") as archive:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.relative_to(root).parts[0] in SKIPPED_MEDIA:
                    continue
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=str(path.relative_to(root)), recursive=False)
                    count += 1
    return MEDIA, count


def backup_create(*, dest: Path) -> Path:
    """Write a new backup folder under ``dest``: the database, the uploaded files and the manifest."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(dest) / f"voucher-backup-{stamp}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = Path(dest) / f"voucher-backup-{stamp}-{suffix}"
    folder.mkdir(parents=True)
    database = _dump_database(folder)
    media, files = _archive_media(folder)
    manifest = {
        "format": FORMAT,
        "created_at": clock.now().isoformat(),
        "vendor": connection.vendor,
        "media_files": files,
        "parts": {
            name: {"bytes": (folder / name).stat().st_size, "sha256": sha256_of(folder / name)}
            for name in (database, media)
        },
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def backup_verify(source: Path) -> dict[str, Any]:
    """The manifest of a backup folder, after checking that every part is there with its recorded sum."""
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} 中没有 {MANIFEST}，不是完整的备份。")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError("备份格式版本不符。")
    for name, part in manifest["parts"].items():
        if "/" in name or name.startswith("."):
            raise BackupError(f"清单中的文件名不合法：{name}")
        file = Path(source) / name
        if not file.is_file():
            raise BackupError(f"备份缺少文件 {name}。")
        if sha256_of(file) != part["sha256"]:
            raise BackupError(f"备份文件 {name} 的 SHA-256 与清单不符，文件已损坏或被改动。")
    return manifest


def _restore_database(source: Path, manifest: dict[str, Any], database_url: str) -> str:
    target = dj_database_url.parse(database_url)
    current = connection.settings_dict
    if target["ENGINE"] == current["ENGINE"] and str(target["NAME"]) == str(current["NAME"]):
        raise BackupError("不能恢复到正在使用的数据库，请恢复到一个新建的空数据库。")
    if manifest["vendor"] == "postgresql":
        if "postgresql" not in target["ENGINE"]:
            raise BackupError("PostgreSQL 备份只能恢复到 PostgreSQL 数据库。")
        args, env = _pg_args(target)
        _run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                str(target["NAME"]),
                str(source / PG_DUMP),
            ],
            env,
        )
        return str(target["NAME"])
    if "sqlite" not in target["ENGINE"]:
        raise BackupError("SQLite 备份只能恢复到 SQLite 数据库文件。")
    destination = Path(str(target["NAME"]))
    if destination.exists():
        raise BackupError(f"目标数据库文件 {destination} 已存在，请指定一个新文件。")
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / SQLITE_COPY, destination)
    return str(destination)


def _restore_media(source: Path, media_root: Path) -> int:
    media_root.mkdir(parents=True, exist_ok=True)
    count = 0
    with tarfile.open(source / MEDIA, "r:gz") as archive:
        members = archive.getmembers()
        for member in members:
            # Only plain files inside the media root (the "data" filter also refuses links and absolute paths).
            if not member.isfile() and not member.isdir():
                raise BackupError(f"文件归档中有不允许的条目：{member.name}")
        archive.extractall(media_root, filter="data")
        count = sum(1 for m in members if m.isfile())
    return count


def backup_restore(*, source: Path, database_url: str, media_root: Path) -> Restored:
    """Check the backup's sums, restore the database into ``database_url`` (a new, empty database) and
    unpack the uploaded files into ``media_root``."""
    source = Path(source)
    manifest = backup_verify(source)
    database = _restore_database(source, manifest, database_url)
    files = _restore_media(source, Path(media_root))
    return Restored(database=database, media_files=files)

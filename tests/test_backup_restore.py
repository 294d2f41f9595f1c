"""Backup and restore (issue 11, item 6): the demo year is backed up, restored into a NEW database and a new
media folder, and the restored copy balances (``manage.py ledger_check`` run against it in another process)
and serves the uploaded files byte for byte. On PostgreSQL (CI's second pass) through pg_dump/pg_restore
into a freshly created database; on SQLite through the online backup API into a new file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from voucher.claims.models import ClaimMaterial
from voucher.core.backup import MANIFEST, MEDIA, sha256_of
from voucher.demo.seed import seed_demo
from voucher.orders.models import Order

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def _pg_url(name: str) -> str:
    config = connection.settings_dict
    user = config.get("USER") or "postgres"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{config.get('HOST') or '127.0.0.1'}:{config.get('PORT') or 5432}/{name}"
    )


@pytest.fixture
def new_database(tmp_path):
    """The URL of a new, empty database (created and dropped again on PostgreSQL; a new file on SQLite)."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored' / 'db.sqlite3'}"
        return
    name = f"voucher_restore_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.test")
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def restore(folder: Path, database_url: str, media_root: Path) -> None:
    """Restore the backup in ``folder`` into the database at ``database_url`` and the files into ``media_root``."""
    call_command(
        "backup_restore",
        "--source",
        str(folder),
        "--database-url",
        database_url,
        "--media-root",
        str(media_root),
    )


def test_a_backup_restores_into_a_new_database_that_balances_with_its_files(
    media_root, new_database, tmp_path
):
    seed_demo()
    material = ClaimMaterial.objects.exclude(file="").order_by("pk").first()
    assert material is not None, "the demo year has uploaded claim files"
    original = (media_root / material.file.name).read_bytes()
    orders = Order.objects.count()

    call_command("backup_create", "--dest", str(tmp_path / "backups"))
    [folder] = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["vendor"] == connection.vendor
    for name, part in manifest["parts"].items():
        assert sha256_of(folder / name) == part["sha256"]
    assert manifest["media_files"] >= 1

    restored_media = tmp_path / "restored-media"
    restore(folder, new_database, restored_media)
    assert (restored_media / material.file.name).read_bytes() == original

    # The restored database, checked by another process that knows only its URL.
    check = manage("ledger_check", database_url=new_database)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 处不一致" in check.stdout
    shell = manage(
        "shell",
        "-c",
        "from voucher.orders.models import Order; print(Order.objects.count())",
        database_url=new_database,
    )
    assert shell.stdout.strip().splitlines()[-1] == str(orders), shell.stderr


def test_a_damaged_backup_is_refused_before_anything_is_restored(media_root, new_database, tmp_path):
    (media_root / "claims").mkdir(parents=True)
    (media_root / "claims" / "a.pdf").write_bytes(b"%PDF-1.4 test")
    call_command("backup_create", "--dest", str(tmp_path / "backups"))
    [folder] = (tmp_path / "backups").iterdir()
    with (folder / MEDIA).open("ab") as handle:
        handle.write(b"tampered")
    target = tmp_path / "restored-media"
    with pytest.raises(CommandError, match="SHA-256"):
        restore(folder, new_database, target)
    assert not target.exists()


def test_restoring_over_the_running_database_is_refused(media_root, tmp_path):
    call_command("backup_create", "--dest", str(tmp_path / "backups"))
    [folder] = (tmp_path / "backups").iterdir()
    config = connection.settings_dict
    current = _pg_url(config["NAME"]) if connection.vendor == "postgresql" else f"sqlite:///{config['NAME']}"
    with pytest.raises(CommandError, match="正在使用"):
        restore(folder, current, tmp_path / "m")

"""Helpers for audit-log tests: events to chain, and a way around the append-only guard to tamper."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from voucher.core.audit import audit_record
from voucher.core.models import AuditEvent, HolidayScheduleYear

GUARD = importlib.import_module("voucher.core.migrations.0005_audit_chain_hashes")


def record_events(n: int, *, actor: Any = None, action: str = "test.changed") -> list[AuditEvent]:
    """``n`` events about the 2025 holiday schedule, each with a distinct before → after."""
    schedule = HolidayScheduleYear.objects.get(year=2025)
    return [
        audit_record(actor=actor, action=action, obj=schedule, before={"n": i}, after={"n": i + 1})
        for i in range(n)
    ]


@contextmanager
def guard_lifted() -> Iterator[None]:
    """What someone with direct database access could do: switch the audit triggers off for a moment."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = origin")
    else:
        with connection.cursor() as cursor:
            cursor.execute(GUARD.SQLITE_DROP)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(GUARD.SQLITE_CREATE)


def raw_sql(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])

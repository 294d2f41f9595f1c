"""Writing the audit log (SPEC M3). Services call :func:`audit_record` inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from voucher.core import clock
from voucher.core.audit_hash import content_hash_of
from voucher.core.models import AuditEvent

# Events recorded inside an :func:`audit_batch` block, inserted together when it ends.
_batch: ContextVar[list[AuditEvent] | None] = ContextVar("audit_batch", default=None)

SECRET_FIELDS = {"password", "created_at", "updated_at"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` (or only ``fields``) as JSON-ready data, for before/after."""
    names = fields or [f.attname for f in obj._meta.concrete_fields if f.attname not in SECRET_FIELDS]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Append one event. ``actor`` is a user, or ``None`` for the system (sweepers, imports)."""
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    event = AuditEvent(
        at=clock.now(),
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else "系统"),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note,
    )
    pending = _batch.get()
    if pending is None:
        event.save()
    else:
        pending.append(event)
    return event


@contextmanager
def audit_batch() -> Iterator[None]:
    """Insert the events that :func:`audit_record` records inside the block with one statement, in order.

    For hot paths that record several events in one transaction. Use it inside the transaction and only
    where an error leaves the block (and rolls the transaction back): the events are inserted when the
    block ends normally and dropped when it raises. Until then they have no primary key.
    """
    pending: list[AuditEvent] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    for event in pending:
        event.content_hash = content_hash_of(event)
    AuditEvent.objects.bulk_create(pending)

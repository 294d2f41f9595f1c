"""Showing an audit event readably: field names in Chinese, values as people read them (SPEC M3)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from voucher.core.models import AuditEvent
from voucher.core.readable import readable_field_value

ABSENT = "—"


@dataclass(frozen=True)
class Change:
    """One field of an event: its label, and the value before and after (as text)."""

    name: str
    label: str
    before: str
    after: str


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            field = model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
        return field if isinstance(field, models.Field) else None
    return None


def _text(value: Any, field: models.Field | None) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return readable_field_value(value, field)


def audit_changes(event: AuditEvent) -> list[Change]:
    """Every field named in ``before`` or ``after``, in a stable order, with readable values."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    model = _model(event.object_type)
    names = list(before) + [k for k in after if k not in before]
    rows = []
    for name in names:
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None else name
        rows.append(
            Change(
                name=name,
                label=label,
                before=_text(before[name], field) if name in before else ABSENT,
                after=_text(after[name], field) if name in after else ABSENT,
            )
        )
    if event.before is not None and not isinstance(event.before, dict):
        rows.append(Change(name="", label="（整体）", before=_text(event.before, None), after=ABSENT))
    if event.after is not None and not isinstance(event.after, dict):
        rows.append(Change(name="", label="（整体）", before=ABSENT, after=_text(event.after, None)))
    return rows


def object_type_label(object_type: str) -> str:
    """The model's Chinese name (``订单``) for ``orders.order``, or the type itself."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type

"""Reading the audit log: the filters shared by the page, the export and the API (SPEC M3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from voucher.core import clock
from voucher.core.audit_permissions import can_view_audit_log
from voucher.core.models import AuditEvent
from voucher.core.validators import validate_date_in_range

MAX_TEXT = 200


@dataclass(frozen=True)
class AuditFilters:
    """What the log is narrowed to; dates are Asia/Shanghai calendar days, both ends included."""

    object_type: str = ""
    object_id: str = ""
    actor: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        """The filters that are set, JSON-ready (recorded with an export)."""
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items() if v}


def audit_filters(data: dict[str, Any]) -> AuditFilters:
    """Parse filters from query parameters; a bad value is a :class:`ValidationError` on its field."""
    errors: dict[str, str] = {}
    text: dict[str, str] = {}
    for name in ("object_type", "object_id", "actor", "action"):
        text[name] = str(data.get(name) or "").strip()
        if len(text[name]) > MAX_TEXT:
            errors[name] = f"不能超过 {MAX_TEXT} 个字符。"
    days: dict[str, dt.date | None] = {}
    for name in ("date_from", "date_to"):
        given = data.get(name)
        days[name] = None
        if not given:
            continue
        try:
            day = given if isinstance(given, dt.date) else dt.date.fromisoformat(str(given))
        except ValueError:
            errors[name] = "请输入正确的日期，例如 2025-06-01。"
            continue
        try:
            validate_date_in_range(day)
        except ValidationError as exc:
            errors[name] = exc.messages[0]
            continue
        days[name] = day
    if days["date_from"] and days["date_to"] and days["date_from"] > days["date_to"]:
        errors["date_to"] = "结束日期不能早于开始日期。"
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    return AuditFilters(
        object_type=text["object_type"],
        object_id=text["object_id"],
        actor=text["actor"],
        action=text["action"],
        date_from=days["date_from"],
        date_to=days["date_to"],
    )


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=clock.SHANGHAI)


def audit_events(user: Any, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Events matching ``filters``, newest first; nothing for a user who may not read the log.

    Object type and id match exactly; the actor matches the recorded login name in part; the action
    matches exactly or, ending with a dot (``order.``), every action of that kind.
    """
    if not can_view_audit_log(user):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.actor:
        events = events.filter(actor_label__icontains=filters.actor)
    if filters.action:
        if filters.action.endswith("."):
            events = events.filter(action__startswith=filters.action)
        else:
            events = events.filter(action=filters.action)
    if filters.date_from:
        events = events.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    return events.order_by("-at", "-id")


def audit_known_values(user: Any) -> dict[str, list[str]]:
    """The object types and actions that occur in the log (suggestions for the filter form)."""
    if not can_view_audit_log(user):
        return {"object_types": [], "actions": []}
    base = AuditEvent.objects.order_by()
    return {
        "object_types": list(base.values_list("object_type", flat=True).distinct().order_by("object_type")),
        "actions": list(base.values_list("action", flat=True).distinct().order_by("action")),
    }

"""API for the audit log (SPEC M3), mounted on the core router: the filtered list and one event.

Administrators only: other users get 403, anonymous requests are refused by session authentication.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from voucher.core.api_schema import BoundedDate, PageNumber
from voucher.core.audit_display import audit_changes
from voucher.core.audit_permissions import can_view_audit_log
from voucher.core.audit_selectors import audit_events, audit_filters
from voucher.core.models import AuditEvent

router = Router(tags=["core"])
MAX_PAGE_SIZE = 200


class AuditChangeOut(Schema):
    name: str
    label: str
    before: str
    after: str


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any = None
    after: Any = None
    note: str
    content_hash: str
    chain_seq: int | None
    chain_hash: str | None


class AuditEventDetailOut(AuditEventOut):
    changes: list[AuditChangeOut]


class AuditEventPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[AuditEventOut]


@router.get("/audit/events", response=AuditEventPage, summary="审计日志（市经信局；筛选、分页）")
def list_audit_events(
    request: HttpRequest,
    object_type: str = "",
    object_id: str = "",
    actor: str = "",
    action: str = "",
    date_from: BoundedDate | None = None,
    date_to: BoundedDate | None = None,
    page: PageNumber = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    """Dates are Asia/Shanghai calendar days, both included; ``action`` ending in a dot matches a kind."""
    can_view_audit_log(request.user).enforce()
    filters = audit_filters(
        {
            "object_type": object_type,
            "object_id": object_id,
            "actor": actor,
            "action": action,
            "date_from": date_from,
            "date_to": date_to,
        }
    )
    events = audit_events(request.user, filters)
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    start = (page - 1) * page_size
    return {
        "count": events.count(),
        "page": page,
        "page_size": page_size,
        "items": list(events[start : start + page_size]),
    }


@router.get("/audit/events/{int:event_id}", response=AuditEventDetailOut, summary="审计日志条目（市经信局）")
def get_audit_event(request: HttpRequest, event_id: int) -> dict[str, Any]:
    can_view_audit_log(request.user).enforce()
    event = get_object_or_404(AuditEvent, pk=event_id)
    data = AuditEventOut.from_orm(event).dict()
    data["changes"] = [c.__dict__ for c in audit_changes(event)]
    return data

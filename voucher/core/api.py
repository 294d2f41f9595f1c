"""API: the notification inbox, the working-day calendar and the audit log (admins)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from voucher.core.api_schema import BoundedDate
from voucher.core.audit_api import router as audit_router
from voucher.core.models import Notification
from voucher.core.notifications import notification_mark_read
from voucher.core.workdays import add_working_days, is_working_day

router = Router(tags=["core"])
router.add_router("", audit_router)


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class WorkingDeadlineOut(Schema):
    start: dt.date
    working_days: int
    deadline: dt.date
    start_is_working_day: bool


@router.get("/notifications", response=list[NotificationOut], summary="我的通知")
def notifications(request: HttpRequest, unread: bool = False) -> list[Notification]:
    items = Notification.objects.filter(recipient_id=request.user.pk)
    if unread:
        items = items.filter(read_at__isnull=True)
    return list(items[:200])


@router.post("/notifications/{notification_id}/read", response=NotificationOut, summary="标记通知已读")
def notification_read(request: HttpRequest, notification_id: int) -> Notification:
    item = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    return notification_mark_read(actor=request.user, notification=item)


@router.get(
    "/calendar/working-deadline",
    response=WorkingDeadlineOut,
    auth=None,
    summary="计算 N 个工作日后的期限（不含当日）",
)
def working_deadline(request: HttpRequest, start: BoundedDate, days: int = 5) -> dict:
    from django.core.exceptions import ValidationError

    if not 1 <= days <= 60:
        raise ValidationError({"days": "工作日数须在 1 到 60 之间。"})
    return {
        "start": start,
        "working_days": days,
        "deadline": add_working_days(start, days),
        "start_is_working_day": is_working_day(start),
    }

"""Workbench cards owned by the core: unread notifications, and the holiday-schedule coverage for admins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from voucher.core import clock
from voucher.core.audit_permissions import can_view_audit_log
from voucher.core.models import Notification
from voucher.core.navigation import register_nav
from voucher.core.permissions import has_capability
from voucher.core.workbench import Card, register
from voucher.core.workdays import scheduled_years

SCHEDULE_LOOKAHEAD = dt.timedelta(days=45)


def schedule_gap(today: dt.date) -> int | None:
    """The first year without a holiday schedule that deadlines may reach within the look-ahead."""
    known = set(scheduled_years())
    for year in range(today.year, (today + SCHEDULE_LOOKAHEAD).year + 1):
        if year not in known:
            return year
    return None


@register
def notifications_card(user: Any) -> list[Card]:
    unread = list(Notification.objects.filter(recipient=user, read_at__isnull=True)[:5])
    lines = [(n.created_at.astimezone(clock.SHANGHAI).strftime("%m-%d %H:%M"), n.title) for n in unread]
    return [
        Card(
            title="未读通知",
            lines=lines or [("", "暂无未读通知")],
            links=[("全部通知", reverse("core:inbox"))],
            tone="attention" if unread else "normal",
            order=10,
        )
    ]


@register
def schedule_card(user: Any) -> list[Card]:
    if not has_capability(user, "bureau.admin"):
        return []
    gap = schedule_gap(clock.today())
    if gap is None:
        return [
            Card(
                title="节假日安排",
                lines=[("已录入年份", "、".join(str(y) for y in scheduled_years()))],
                links=[("维护节假日安排", reverse("admin:core_holidayscheduleyear_changelist"))],
                order=90,
            )
        ]
    return [
        Card(
            title=f"请录入 {gap} 年节假日安排",
            lines=[("影响", f"接单时限等工作日期限将在 {gap} 年起无法计算，相关操作会被拒绝。")],
            links=[("录入节假日安排", reverse("admin:core_holidayscheduleyear_add"))],
            tone="warning",
            order=5,
        )
    ]


@register_nav
def audit_nav(user: Any) -> list[tuple[str, str]]:
    return [("审计日志", reverse("core:audit_list"))] if can_view_audit_log(user) else []

"""Workbench cards and navigation of the reviews app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from voucher.applications.choices import ApplicationStatus
from voucher.core.navigation import register_nav
from voucher.core.permissions import has_capability
from voucher.core.workbench import Card, register
from voucher.reviews import selectors


@register
def reviews_card(user: Any) -> list[Card]:
    if not getattr(user, "is_authenticated", False):
        return []
    queue = reverse("reviews:queue")
    if has_capability(user, "reviews.assignee"):
        mine = selectors.assigned_waiting(user).count()
        waiting = selectors.review_queue(user, status=ApplicationStatus.SUBMITTED).count()
        return [
            Card(
                title="评审任务",
                lines=[("分配给我待审核", str(mine)), ("全部待审核", str(waiting))],
                links=[("我的评审任务", f"{queue}?mine=1"), ("评审队列", queue)],
                tone="attention" if mine else "normal",
                order=15,
            )
        ]
    if has_capability(user, "reviews.manage"):
        overdue = selectors.overdue_reviews().count()
        in_progress = selectors.notices_in_progress().count()
        objections = selectors.objections_open().count()
        return [
            Card(
                title="评审与公示",
                lines=[
                    ("超过评审期限的申报", str(overdue)),
                    ("进行中的公示", str(in_progress)),
                    ("待处理的公示异议", str(objections)),
                ],
                links=[("评审队列", queue), ("公示管理", reverse("reviews:notice_list"))],
                tone="warning" if overdue or objections else "normal",
                order=15,
            )
        ]
    return []


@register_nav
def reviews_nav(user: Any) -> list[tuple[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    if has_capability(user, "reviews.assignee"):
        return [("评审队列", reverse("reviews:queue"))]
    if has_capability(user, "reviews.manage"):
        return [("评审队列", reverse("reviews:queue")), ("公示管理", reverse("reviews:notice_list"))]
    return [("产品公示", reverse("reviews:public_notices"))]

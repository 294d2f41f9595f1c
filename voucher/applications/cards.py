"""Workbench cards and navigation items of the applications app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from voucher.applications.choices import ApplicationStatus
from voucher.applications.selectors import status_counts, waiting_for_review
from voucher.core import clock
from voucher.core.navigation import register_nav
from voucher.core.permissions import has_capability
from voucher.core.workbench import Card, register
from voucher.programmes.selectors import programme_current


@register
def applications_card(user: Any) -> list[Card]:
    if not getattr(user, "is_authenticated", False):
        return []
    if has_capability(user, "applications.file"):
        counts = status_counts(user)
        lines = [(s.label, str(counts[s.value])) for s in ApplicationStatus]
        programme = programme_current()
        tone = "normal"
        if programme is not None:
            today = clock.today()
            if today < programme.application_opens_on:
                lines.append(("申报时间", f"{programme.application_opens_on:%Y-%m-%d} 开始"))
            elif today <= programme.application_closes_on:
                left = (programme.application_closes_on - today).days
                lines.append(("申报截止", f"{programme.application_closes_on:%Y-%m-%d}（剩余{left}天）"))
                tone = "attention" if left <= 7 else "normal"
            else:
                lines.append(("申报截止", f"已于{programme.application_closes_on:%Y-%m-%d}截止"))
        return [
            Card(
                title="配券产品申报",
                lines=lines,
                links=[
                    ("我的申报", reverse("applications:list")),
                    ("新建申报", reverse("applications:create")),
                    ("附件管理", reverse("applications:attachments")),
                ],
                tone=tone,
                order=20,
            )
        ]
    if has_capability(user, "applications.review"):
        waiting = waiting_for_review()
        return [
            Card(
                title="待审核的配券产品申报",
                lines=[("待审核", str(waiting))],
                links=[("查看申报", reverse("applications:list") + "?status=submitted")],
                tone="attention" if waiting else "normal",
                order=20,
            )
        ]
    return []


@register_nav
def applications_nav(user: Any) -> list[tuple[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    if has_capability(user, "applications.file"):
        return [
            ("我的申报", reverse("applications:list")),
            ("申报资料", reverse("applications:dossier")),
            ("附件管理", reverse("applications:attachments")),
        ]
    if has_capability(user, "applications.review"):
        return [
            ("配券产品申报", reverse("applications:list")),
            ("申报附件", reverse("applications:attachments")),
        ]
    return []

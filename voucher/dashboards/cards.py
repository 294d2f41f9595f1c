"""Workbench card and navigation entry of the dashboard (admins)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from voucher.core.money import format_cny
from voucher.core.navigation import register_nav
from voucher.core.workbench import Card, register
from voucher.dashboards.permissions import can_view_dashboard
from voucher.dashboards.selectors import headline
from voucher.programmes.selectors import programme_current


@register
def dashboard_card(user: Any) -> list[Card]:
    """The current year's headline budget figures (two queries) and a link to the dashboard."""
    if not can_view_dashboard(user):
        return []
    programme = programme_current()
    if programme is None:
        return []
    figures = headline(programme)
    return [
        Card(
            title=f"数据看板 · {programme.year} 年度",
            lines=[
                ("已预占", format_cny(figures.reserved)),
                ("合同已确认", format_cny(figures.committed)),
                ("审核通过", format_cny(figures.approved)),
                ("已兑付", format_cny(figures.paid)),
            ],
            links=[("查看数据看板", reverse("dashboards:index"))],
            order=60,
        )
    ]


@register_nav
def dashboard_nav(user: Any) -> list[tuple[str, str]]:
    if can_view_dashboard(user):
        return [("数据看板", reverse("dashboards:index"))]
    return []

"""Workbench cards and navigation for orders."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse

from voucher.core import clock
from voucher.core.navigation import register_nav
from voucher.core.permissions import has_capability
from voucher.core.workbench import Card, register
from voucher.orders.choices import OrderStatus
from voucher.orders.selectors import orders_visible_to


@register
def orders_card(user: Any) -> list[Card]:
    if not has_capability(user, "orders.work_list"):
        return []
    counts = dict(orders_visible_to(user).values_list("status").annotate(n=Count("id")).order_by())
    placed = counts.get(OrderStatus.PLACED, 0)
    lines = [(label, str(counts.get(value, 0))) for value, label in OrderStatus.choices if counts.get(value)]
    tone = "normal"
    if has_capability(user, "party.provider") and placed:
        due = (
            orders_visible_to(user)
            .filter(status=OrderStatus.PLACED, acceptance_deadline__lte=clock.today())
            .count()
        )
        lines.insert(0, ("待接单", f"{placed} 笔（今日到期 {due} 笔）"))
        tone = "attention"
    title = "服务券订单"
    if has_capability(user, "party.enterprise"):
        title = "我的服务券订单"
    elif has_capability(user, "party.provider"):
        title = "我的服务券订单（接单）"
    return [
        Card(
            title=title,
            lines=lines or [("", "暂无订单")],
            links=[("查看订单", reverse("orders:index"))],
            tone=tone,
            order=15,
        )
    ]


@register_nav
def orders_nav(user: Any) -> list[tuple[str, str]]:
    if has_capability(user, "orders.work_list"):
        return [("订单", reverse("orders:index"))]
    return []

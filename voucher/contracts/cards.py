"""Workbench cards and navigation for contracts."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from voucher.contracts.choices import ContractStatus
from voucher.contracts.selectors import contracts_visible_to, orders_awaiting_contract
from voucher.core.navigation import register_nav
from voucher.core.permissions import has_any_capability, has_capability
from voucher.core.workbench import Card, register


@register
def contracts_card(user: Any) -> list[Card]:
    if has_capability(user, "party.provider"):
        waiting = orders_awaiting_contract(user).count()
        unconfirmed = contracts_visible_to(user).filter(status=ContractStatus.RECORDED).count()
        return [
            Card(
                title="服务合同",
                lines=[("已接单待录入合同", f"{waiting} 笔"), ("待企业确认", f"{unconfirmed} 份")],
                links=[("录入/查看合同", reverse("contracts:index"))],
                tone="attention" if waiting else "normal",
                order=16,
            )
        ]
    if has_capability(user, "party.enterprise"):
        visible = contracts_visible_to(user)
        to_confirm = visible.filter(status=ContractStatus.RECORDED).count()
        to_rate = visible.filter(completed_at__isnull=False, rating__isnull=True).count()
        in_service = visible.filter(status=ContractStatus.CONFIRMED).count()
        return [
            Card(
                title="服务合同",
                lines=[
                    ("待确认合同", f"{to_confirm} 份"),
                    ("服务中（完成后请确认）", f"{in_service} 份"),
                    ("已完成待评价", f"{to_rate} 份"),
                ],
                links=[("查看合同", reverse("contracts:index"))],
                tone="attention" if to_confirm or to_rate else "normal",
                order=16,
            )
        ]
    return []


@register_nav
def contracts_nav(user: Any) -> list[tuple[str, str]]:
    if has_any_capability(user, "party.enterprise", "party.provider", "records.view_all"):
        return [("合同", reverse("contracts:index"))]
    return []

"""Workbench cards and navigation for oversight: the party's sanction and clawbacks, the Bureau's overview,
the inspector's spot-check tasks."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from voucher.core import clock
from voucher.core.navigation import register_nav
from voucher.core.permissions import has_capability
from voucher.core.workbench import Card, register
from voucher.enforcement.choices import ACTIVE_CLAWBACK_STATUSES, SpotCheckStatus
from voucher.enforcement.models import Clawback, SpotCheck
from voucher.enforcement.selectors import (
    clawbacks_visible_to,
    inspection_tasks,
    sanction_in_force,
    sanctions_in_force,
)


@register
def oversight_card(user: Any) -> list[Card]:
    if not getattr(user, "is_authenticated", False):
        return []
    cards: list[Card] = []
    if has_capability(user, "enforcement.view_own") and user.organisation_id:
        _add_own_cards(cards, user)
    if has_capability(user, "bureau.admin"):
        _add_bureau_card(cards)
    if has_capability(user, "enforcement.inspect"):
        _add_inspection_card(cards, user)
    return cards


def _add_own_cards(cards: list[Card], user: Any) -> None:
    """The sanction in force against the user's organisation and the clawbacks that concern it."""
    sanction = sanction_in_force(organisation_id=user.organisation_id, on=clock.today())
    if sanction is not None:
        cards.append(
            Card(
                title="违规处理",
                lines=[
                    ("违规类型", sanction.get_kind_display()),
                    ("禁入期", f"{sanction.starts_on:%Y-%m-%d} 至 {sanction.ends_on:%Y-%m-%d}"),
                    ("处理措施", sanction.reason),
                ],
                links=[("查看处理记录", reverse("enforcement:records"))],
                tone="warning",
                order=1,
            )
        )
    open_clawbacks = clawbacks_visible_to(user).filter(status__in=ACTIVE_CLAWBACK_STATUSES).count()
    if open_clawbacks and has_capability(user, "party.provider"):
        cards.append(
            Card(
                title="资金追回",
                lines=[("待退回", f"{open_clawbacks} 笔")],
                links=[("查看处理记录", reverse("enforcement:records"))],
                tone="warning",
                order=2,
            )
        )
    elif open_clawbacks:
        # The provider repays the subsidy; the enterprise only sees that its orders are concerned.
        cards.append(
            Card(
                title="订单涉及的资金追回（由服务商退回）",
                lines=[("服务商待退回", f"{open_clawbacks} 笔")],
                links=[("查看处理记录", reverse("enforcement:records"))],
                order=2,
            )
        )


def _add_bureau_card(cards: list[Card]) -> None:
    """The Bureau's counts of sanctions in force, clawbacks to recover and open spot checks."""
    cards.append(
        Card(
            title="监督管理",
            lines=[
                ("禁入期内的违规处理", f"{sanctions_in_force(clock.today()).count()} 项"),
                (
                    "待追回资金",
                    f"{Clawback.objects.filter(status__in=ACTIVE_CLAWBACK_STATUSES).count()} 笔",
                ),
                ("进行中的抽查", f"{SpotCheck.objects.filter(status=SpotCheckStatus.OPEN).count()} 次"),
            ],
            links=[("进入监督管理", reverse("enforcement:index"))],
            order=40,
        )
    )


def _add_inspection_card(cards: list[Card], user: Any) -> None:
    """The inspector's spot-check tasks still waiting for a conclusion."""
    tasks = inspection_tasks(user).count()
    if tasks:
        cards.append(
            Card(
                title="抽查任务",
                lines=[("待记录检查结论", f"{tasks} 项")],
                links=[("进入抽查", reverse("enforcement:spot_checks"))],
                tone="attention",
                order=39,
            )
        )


@register_nav
def oversight_nav(user: Any) -> list[tuple[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    if has_capability(user, "bureau.admin"):
        return [("监督管理", reverse("enforcement:index"))]
    if has_capability(user, "enforcement.inspect"):
        return [("抽查", reverse("enforcement:spot_checks"))]
    if has_capability(user, "enforcement.view_own"):
        return [("处理记录", reverse("enforcement:records"))]
    return []

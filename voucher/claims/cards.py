"""Workbench cards and navigation for redemption claims."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from voucher.claims.choices import ClaimStatus
from voucher.claims.selectors import claims_visible_to, contracts_to_claim, review_queue
from voucher.core import clock
from voucher.core.navigation import register_nav
from voucher.core.permissions import has_capability
from voucher.core.workbench import Card, register

SOON_DAYS = 7


@register
def claims_card(user: Any) -> list[Card]:
    if has_capability(user, "party.provider"):
        claimable = [c for c in contracts_to_claim(user) if c.open_now]
        visible = claims_visible_to(user)
        drafts = visible.filter(status=ClaimStatus.DRAFT).count()
        returned = visible.filter(status=ClaimStatus.RETURNED).count()
        soon = clock.today() + dt.timedelta(days=SOON_DAYS)
        due = (
            sum(1 for c in claimable if c.window.deadline <= soon)
            + visible.filter(status__in=[ClaimStatus.DRAFT, ClaimStatus.RETURNED], deadline__lte=soon).count()
        )
        return [
            Card(
                title="兑券申请",
                lines=[
                    ("可申请兑券的订单", f"{len(claimable)} 笔"),
                    ("草稿", f"{drafts} 份"),
                    ("退回补充材料", f"{returned} 份"),
                    (f"{SOON_DAYS}天内截止", f"{due} 笔"),
                ],
                links=[("申请兑券", reverse("claims:index"))],
                tone="warning" if due or returned else ("attention" if claimable else "normal"),
                order=18,
            )
        ]
    if has_capability(user, "claims.review"):
        waiting = review_queue(user).count()
        return [
            Card(
                title="兑券审核",
                lines=[("待审核兑券申请", f"{waiting} 份")],
                links=[("进入兑券审核", reverse("claims:queue"))],
                tone="attention" if waiting else "normal",
                order=18,
            )
        ]
    if has_capability(user, "party.enterprise"):
        visible = claims_visible_to(user)
        if not visible.exists():
            return []
        return [
            Card(
                title="兑券进度",
                lines=[
                    ("审核中", f"{visible.filter(status=ClaimStatus.SUBMITTED).count()} 笔"),
                    ("已审核通过", f"{visible.filter(status=ClaimStatus.APPROVED).count()} 笔"),
                ],
                links=[("查看兑券进度", reverse("claims:index"))],
                order=18,
            )
        ]
    return []


@register_nav
def claims_nav(user: Any) -> list[tuple[str, str]]:
    if has_capability(user, "claims.review"):
        return [("兑券审核", reverse("claims:queue"))]
    if has_capability(user, "party.provider") or has_capability(user, "party.enterprise"):
        return [("兑券", reverse("claims:index"))]
    return []

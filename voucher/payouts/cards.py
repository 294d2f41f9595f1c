"""Workbench cards and navigation for payouts."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from voucher.core import clock
from voucher.core.navigation import register_nav
from voucher.core.permissions import has_capability
from voucher.core.workbench import Card, register
from voucher.payouts.choices import BatchStatus, ItemStatus
from voucher.payouts.models import PayeeAccount, PayoutBatch
from voucher.payouts.selectors import own_payout_items
from voucher.reviews.choices import ObjectionStatus
from voucher.reviews.models import Objection


@register
def payouts_card(user: Any) -> list[Card]:
    if has_capability(user, "payouts.manage"):
        today = clock.today()
        drafts = PayoutBatch.objects.filter(status=BatchStatus.DRAFT).count()
        objections = Objection.objects.filter(batch__isnull=False, status=ObjectionStatus.OPEN).count()
        to_approve = PayoutBatch.objects.filter(status=BatchStatus.NOTICED, notice_ends_on__lt=today).count()
        to_pay = PayoutBatch.objects.filter(
            status__in=[BatchStatus.APPROVED, BatchStatus.EXPORTED, BatchStatus.PARTLY_PAID]
        ).count()
        return [
            Card(
                title="兑付批次",
                lines=[
                    ("草稿批次", f"{drafts} 个"),
                    ("待处理的兑付异议", f"{objections} 条"),
                    ("公示期满待批准", f"{to_approve} 个"),
                    ("待导出/登记支付", f"{to_pay} 个"),
                ],
                links=[("兑付批次", reverse("payouts:batches")), ("新建批次", reverse("payouts:batch_new"))],
                tone="warning" if objections else ("attention" if to_approve or to_pay else "normal"),
                order=19,
            )
        ]
    if has_capability(user, "payouts.view_own"):
        items = own_payout_items(user)
        lines = [
            (
                "公示/待支付",
                f"{items.filter(status__in=[ItemStatus.PENDING, ItemStatus.BLOCKED]).count()} 笔",
            ),
            ("已支付", f"{items.filter(status=ItemStatus.PAID).count()} 笔"),
        ]
        tone = "normal"
        if (
            has_capability(user, "party.provider")
            and not PayeeAccount.objects.filter(organisation_id=user.organisation_id).exists()
        ):
            lines.append(("收款账户", "尚未登记"))
            tone = "warning"
        elif not items.exists():
            return []
        return [
            Card(
                title="兑付情况",
                lines=lines,
                links=[("查看兑付", reverse("payouts:index"))],
                tone=tone,
                order=19,
            )
        ]
    return []


@register_nav
def payouts_nav(user: Any) -> list[tuple[str, str]]:
    if has_capability(user, "payouts.manage"):
        return [("兑付批次", reverse("payouts:batches"))]
    if has_capability(user, "payouts.view_own"):
        return [("兑付", reverse("payouts:index"))]
    return []

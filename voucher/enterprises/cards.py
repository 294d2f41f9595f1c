"""Workbench cards and navigation items of the enterprises app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from voucher.core.money import format_cny
from voucher.core.navigation import register_nav
from voucher.core.permissions import has_capability
from voucher.core.workbench import Card, register
from voucher.enterprises.choices import ImportStatus
from voucher.enterprises.models import CreditListEntry, CreditListImport
from voucher.enterprises.selectors import enterprise_status
from voucher.programmes.selectors import programme_current


@register
def enterprise_card(user: Any) -> list[Card]:
    if not has_capability(user, "party.enterprise") or user.organisation is None:
        return []
    status = enterprise_status(user=user, organisation=user.organisation, programme=programme_current())
    if status.account is not None:
        return [
            Card(
                title="服务券额度",
                lines=[
                    ("可用", format_cny(status.account.available)),
                    ("已预占", format_cny(status.account.reserved)),
                    ("合同已确认", format_cny(status.account.committed)),
                    ("已兑付", format_cny(status.account.paid)),
                ],
                links=[
                    ("额度明细", reverse("enterprises:quota")),
                    ("认证结果", reverse("enterprises:result")),
                ],
                order=20,
            )
        ]
    if status.step == "result" and status.classification is not None:
        return [
            Card(
                title="不符合领券条件",
                lines=[("原因", status.classification.reason)],
                links=[("查看认证结果", reverse("enterprises:result"))],
                tone="warning",
                order=20,
            )
        ]
    return [
        Card(
            title="请完成企业认证和划型认证",
            lines=[("说明", "完成企业认证和企业划型认证后，符合条件的企业自动获得本年度服务券额度。")],
            links=[("去认证", reverse("enterprises:wizard"))],
            tone="attention",
            order=20,
        )
    ]


@register
def credit_list_card(user: Any) -> list[Card]:
    if not has_capability(user, "enterprises.manage"):
        return []
    pending = CreditListImport.objects.filter(status=ImportStatus.PREVIEW).count()
    return [
        Card(
            title="信用名单",
            lines=[
                ("有效记录", str(CreditListEntry.objects.filter(active=True).count())),
                ("待确认导入", str(pending)),
            ],
            links=[
                ("维护信用名单", reverse("enterprises:credit_list")),
                ("企业名单", reverse("enterprises:list")),
            ],
            tone="attention" if pending else "normal",
            order=60,
        )
    ]


@register_nav
def enterprise_nav(user: Any) -> list[tuple[str, str]]:
    if has_capability(user, "party.enterprise"):
        return [("企业认证", reverse("enterprises:wizard")), ("我的额度", reverse("enterprises:quota"))]
    if has_capability(user, "enterprises.manage"):
        return [("企业名单", reverse("enterprises:list")), ("信用名单", reverse("enterprises:credit_list"))]
    if has_capability(user, "records.view_all"):
        return [("企业名单", reverse("enterprises:list"))]
    return []

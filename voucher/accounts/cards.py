"""Workbench card about the user's own organisation profile."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from voucher.core.workbench import Card, register

PROFILE_FIELDS = {
    "uscc": "统一社会信用代码",
    "established_on": "成立日期",
    "registered_address": "注册地址",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
}


@register
def organisation_card(user: Any) -> list[Card]:
    organisation = user.organisation
    if organisation is None:
        return []
    missing = [label for name, label in PROFILE_FIELDS.items() if not getattr(organisation, name)]
    lines = [("单位", organisation.name), ("身份", organisation.kinds_display)]
    if missing:
        lines.append(("待完善", "、".join(missing)))
    return [
        Card(
            title="企业信息",
            lines=lines,
            links=[("查看/修改企业信息", reverse("accounts:organisation"))],
            tone="warning" if missing else "normal",
            order=30,
        )
    ]

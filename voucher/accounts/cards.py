"""Workbench card about the user's own organisation profile."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from voucher.accounts.selectors import second_factor_status
from voucher.core.permissions import has_capability
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


@register
def second_factor_card(user: Any) -> list[Card]:
    """Reviewers and admins: whether the second factor is on."""
    if not has_capability(user, "accounts.second_factor"):
        return []
    state = second_factor_status(user)
    lines = [("状态", "已开启" if state.enabled else "未开启")]
    if state.enabled:
        lines.append(("剩余恢复码", f"{state.recovery_codes_left} 个"))
    warn = (not state.enabled and state.required) or (state.enabled and state.recovery_codes_left < 3)
    return [
        Card(
            title="双重认证",
            lines=lines,
            links=[("查看/设置双重认证", reverse("accounts:otp"))],
            tone="warning" if warn else "normal",
            order=90,
        )
    ]

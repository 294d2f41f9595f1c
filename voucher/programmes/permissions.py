"""Who may change programme configuration."""

from __future__ import annotations

from typing import Any

from voucher.core.permissions import ALLOWED, Decision, deny, has_capability


def can_manage_programme(user: Any) -> Decision:
    """Only the Bureau's programme officers configure the programme year."""
    if not getattr(user, "is_authenticated", False):
        return deny("请先登录。", "not_authenticated")
    if user.is_superuser or has_capability(user, "programmes.manage"):
        return ALLOWED
    return deny("只有市经信局管理员可以配置年度政策。")

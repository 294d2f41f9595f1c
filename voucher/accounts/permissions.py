"""Permission checks about organisations and users."""

from __future__ import annotations

from typing import Any

from voucher.accounts.choices import Role
from voucher.accounts.models import Organisation
from voucher.core.permissions import ALLOWED, Decision, deny


def can_edit_organisation(user: Any, organisation: Organisation) -> Decision:
    """An organisation's own members edit its profile; the Bureau's admins may edit any."""
    if not getattr(user, "is_authenticated", False):
        return deny("请先登录。", "not_authenticated")
    if user.has_role(Role.ADMIN):
        return ALLOWED
    if user.organisation_id == organisation.pk:
        return ALLOWED
    return deny("只能修改本单位的信息。")


def has_any_role(user: Any, *roles: str) -> Decision:
    """Logged in, active, and acting in one of ``roles``."""
    if not getattr(user, "is_authenticated", False):
        return deny("请先登录。", "not_authenticated")
    if user.has_role(*roles):
        return ALLOWED
    names = "、".join(Role(r).label for r in roles)
    return deny(f"此功能仅限{names}使用。")

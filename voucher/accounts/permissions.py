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


def can_manage_second_factor(user: Any) -> Decision:
    """Reviewers and the Bureau's admins may turn a TOTP second factor on or off for themselves."""
    if not getattr(user, "is_authenticated", False):
        return deny("请先登录。", "not_authenticated")
    if user.has_role(Role.REVIEWER, Role.ADMIN):
        return ALLOWED
    return deny("双重认证仅适用于评审机构和市经信局账号。")


def can_reset_second_factor(actor: Any, user: Any) -> Decision:
    """The Bureau's admins reset another person's second factor (a lost phone); their own they turn off."""
    decision = has_any_role(actor, Role.ADMIN)
    if not decision.allowed:
        return decision
    if actor.pk == user.pk:
        return deny("不能重置自己的双重认证；请在“双重认证”页面输入验证码后关闭。")
    return ALLOWED

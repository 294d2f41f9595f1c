"""Permission checks about organisations and users (role checks via the capabilities in ``core.roles``)."""

from __future__ import annotations

from typing import Any

from voucher.accounts.models import Organisation
from voucher.core.permissions import ALLOWED, Decision, can, deny, has_capability, member_of


def can_edit_organisation(user: Any, organisation: Organisation) -> Decision:
    """An organisation's own members edit its profile; the Bureau's admins may edit any."""
    if not getattr(user, "is_authenticated", False):
        return deny("请先登录。", "not_authenticated")
    if has_capability(user, "accounts.manage"):
        return ALLOWED
    if member_of(user, organisation.pk):
        return ALLOWED
    return deny("只能修改本单位的信息。")


def can_manage_accounts(user: Any) -> Decision:
    """The Bureau's account administration: name changes, second-factor resets and their lists."""
    return can(user, "accounts.manage")


def can_manage_second_factor(user: Any) -> Decision:
    """Reviewers and the Bureau's admins may turn a TOTP second factor on or off for themselves."""
    return can(user, "accounts.second_factor", "双重认证仅适用于评审机构和市经信局账号。")


def can_reset_second_factor(actor: Any, user: Any) -> Decision:
    """The Bureau's admins reset another person's second factor (a lost phone); their own they turn off."""
    if not (decision := can_manage_accounts(actor)):
        return decision
    if actor.pk == user.pk:
        return deny("不能重置自己的双重认证；请在“双重认证”页面输入验证码后关闭。")
    return ALLOWED

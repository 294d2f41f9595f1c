"""Who may place, see and move orders (SPEC O2, O7, O8)."""

from __future__ import annotations

from typing import Any

from voucher.accounts.choices import Role
from voucher.core.permissions import ALLOWED, Decision, deny
from voucher.orders.models import Order


def _logged_in(user: Any) -> Decision:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return deny("请先登录。", "not_authenticated")
    return ALLOWED


def can_place_order(user: Any) -> Decision:
    """Only an enterprise's own users order, for their own enterprise."""
    if not (decision := _logged_in(user)):
        return decision
    if not user.has_role(Role.ENTERPRISE) or user.organisation_id is None:
        return deny("只有企业用户可以下单。", "wrong_role")
    return ALLOWED


def can_view_order(user: Any, order: Order) -> Decision:
    """The ordering enterprise, the provider, and the Bureau's staff and reviewers."""
    if not (decision := _logged_in(user)):
        return decision
    if user.has_role(Role.ADMIN, Role.REVIEWER):
        return ALLOWED
    if user.has_role(Role.ENTERPRISE) and user.organisation_id == order.enterprise_id:
        return ALLOWED
    if user.has_role(Role.PROVIDER) and user.organisation_id == order.provider_id:
        return ALLOWED
    return deny("只能查看本单位的订单。", "not_party")


def can_decide_order(user: Any, order: Order) -> Decision:
    """Accepting or declining belongs to the provider of the ordered product."""
    if not (decision := _logged_in(user)):
        return decision
    if user.has_role(Role.PROVIDER) and user.organisation_id == order.provider_id:
        return ALLOWED
    return deny("只有该产品的服务商可以接单或拒单。", "not_provider")


def can_cancel_order(user: Any, order: Order) -> Decision:
    """Only the ordering enterprise may cancel (O7); a voucher is not transferable (O8)."""
    if not (decision := _logged_in(user)):
        return decision
    if user.has_role(Role.ENTERPRISE) and user.organisation_id == order.enterprise_id:
        return ALLOWED
    return deny("只有下单企业可以取消订单。", "not_orderer")

"""Who may place, see and move orders (SPEC O2, O7, O8)."""

from __future__ import annotations

from typing import Any

from voucher.core.permissions import ALLOWED, Decision, acts_for, deny, has_capability, logged_in
from voucher.orders.models import Order


def can_place_order(user: Any) -> Decision:
    """Only an enterprise's own users order, for their own enterprise."""
    if not (decision := logged_in(user)):
        return decision
    if not has_capability(user, "orders.place") or user.organisation_id is None:
        return deny("只有企业用户可以下单。", "wrong_role")
    return ALLOWED


def can_view_order(user: Any, order: Order) -> Decision:
    """The ordering enterprise, the provider, and the Bureau's staff and reviewers."""
    if not (decision := logged_in(user)):
        return decision
    if has_capability(user, "records.view_all"):
        return ALLOWED
    if acts_for(user, "party.enterprise", order.enterprise_id):
        return ALLOWED
    if acts_for(user, "party.provider", order.provider_id):
        return ALLOWED
    return deny("只能查看本单位的订单。", "not_party")


def can_decide_order(user: Any, order: Order) -> Decision:
    """Accepting or declining belongs to the provider of the ordered product."""
    if not (decision := logged_in(user)):
        return decision
    if acts_for(user, "party.provider", order.provider_id):
        return ALLOWED
    return deny("只有该产品的服务商可以接单或拒单。", "not_provider")


def can_cancel_order(user: Any, order: Order) -> Decision:
    """Only the ordering enterprise may cancel (O7); a voucher is not transferable (O8)."""
    if not (decision := logged_in(user)):
        return decision
    if acts_for(user, "party.enterprise", order.enterprise_id):
        return ALLOWED
    return deny("只有下单企业可以取消订单。", "not_orderer")

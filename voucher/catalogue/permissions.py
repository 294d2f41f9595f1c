"""Who may see and change products. The same functions hide buttons and refuse requests."""

from __future__ import annotations

from typing import Any

from voucher.accounts.choices import Role
from voucher.catalogue.choices import ProductAction, ProductStatus
from voucher.catalogue.models import Product
from voucher.catalogue.transitions import can_move
from voucher.core.permissions import ALLOWED, Decision, deny

PUBLIC_STATUSES = frozenset({ProductStatus.NOTICED, ProductStatus.READY, ProductStatus.ON_SALE})


def is_admin(user: Any) -> Decision:
    if not getattr(user, "is_authenticated", False):
        return deny("请先登录。", "not_authenticated")
    if not user.has_role(Role.ADMIN):
        return deny("此功能仅限市经信局使用。")
    return ALLOWED


def can_view_product(user: Any, product: Product) -> Decision:
    """Noticed, ready and on-sale products are public (O1); others only to the owner and the Bureau."""
    if product.status in PUBLIC_STATUSES:
        return ALLOWED
    if getattr(user, "is_authenticated", False):
        if user.has_role(Role.ADMIN, Role.REVIEWER):
            return ALLOWED
        if user.has_role(Role.PROVIDER) and user.organisation_id == product.provider_id:
            return ALLOWED
    return deny("该产品未在目录中展示。")


def can_manage_products(user: Any) -> Decision:
    """产品上线 is the Bureau's (V4)."""
    return is_admin(user)


def can_put_on_sale(user: Any, product: Product) -> Decision:
    if not (d := is_admin(user)):
        return d
    if not can_move(product.status, ProductAction.PUT_ON_SALE):
        if product.status == ProductStatus.NOTICED:
            return deny("产品仍在公示中，公示结束并处理完异议后方可上线。", "notice_running")
        return deny(f"产品状态为“{product.get_status_display()}”，不能上线。", "illegal_transition")
    return ALLOWED

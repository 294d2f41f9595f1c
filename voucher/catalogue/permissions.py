"""Who may see and change products. The same functions hide buttons and refuse requests."""

from __future__ import annotations

from typing import Any

from voucher.catalogue.choices import ProductAction, ProductStatus
from voucher.catalogue.models import Product
from voucher.catalogue.transitions import can_move
from voucher.core.permissions import ALLOWED, Decision, acts_for, can, deny, has_capability

PUBLIC_STATUSES = frozenset({ProductStatus.NOTICED, ProductStatus.READY, ProductStatus.ON_SALE})


def can_view_product(user: Any, product: Product) -> Decision:
    """Noticed, ready and on-sale products are public (O1); others only to the owner and the Bureau."""
    if product.status in PUBLIC_STATUSES:
        return ALLOWED
    if has_capability(user, "catalogue.view_unlisted") or acts_for(
        user, "party.provider", product.provider_id
    ):
        return ALLOWED
    return deny("该产品未在目录中展示。")


def can_manage_products(user: Any) -> Decision:
    """产品上线 is the Bureau's (V4)."""
    return can(user, "catalogue.manage", "此功能仅限市经信局使用。")


def can_put_on_sale(user: Any, product: Product) -> Decision:
    if not (d := can_manage_products(user)):
        return d
    if not can_move(product.status, ProductAction.PUT_ON_SALE):
        if product.status == ProductStatus.NOTICED:
            return deny("产品仍在公示中，公示结束并处理完异议后方可上线。", "notice_running")
        return deny(f"产品状态为“{product.get_status_display()}”，不能上线。", "illegal_transition")
    return ALLOWED

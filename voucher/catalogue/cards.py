"""Workbench cards and navigation of the catalogue app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from voucher.catalogue import selectors
from voucher.catalogue.choices import ProductStatus
from voucher.core.navigation import register_nav
from voucher.core.permissions import has_capability
from voucher.core.workbench import Card, register


@register
def catalogue_card(user: Any) -> list[Card]:
    if not getattr(user, "is_authenticated", False):
        return []
    if has_capability(user, "catalogue.manage"):
        ready = selectors.ready_count()
        return [
            Card(
                title="待上线的配券产品",
                lines=[("待设置服务券数量并上线", str(ready))],
                links=[("产品上线", reverse("catalogue:manage") + f"?status={ProductStatus.READY}")],
                tone="attention" if ready else "normal",
                order=16,
            )
        ]
    if has_capability(user, "party.provider"):
        products = list(selectors.products_of_provider(user)[:5])
        if not products:
            return []
        return [
            Card(
                title="我的配券产品",
                lines=[
                    (
                        p.name,
                        p.get_status_display()
                        + (
                            f" · 剩余{p.vouchers_left}/{p.vouchers_total}张"
                            if p.status == ProductStatus.ON_SALE
                            else ""
                        ),
                    )
                    for p in products
                ],
                links=[("服务产品目录", reverse("catalogue:list"))],
                order=25,
            )
        ]
    return []


@register_nav
def catalogue_nav(user: Any) -> list[tuple[str, str]]:
    items = [("服务产品目录", reverse("catalogue:list"))]
    if has_capability(user, "catalogue.manage"):
        items.append(("产品上线", reverse("catalogue:manage")))
    return items

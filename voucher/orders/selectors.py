"""Reads of orders, filtered to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from voucher.accounts.choices import Role
from voucher.orders.models import Order


def orders_visible_to(user: Any) -> QuerySet[Order]:
    """The enterprise's own orders, the provider's received orders, or all for the Bureau and reviewers."""
    orders = Order.objects.select_related("product", "enterprise", "provider", "product__direction")
    if not getattr(user, "is_authenticated", False):
        return orders.none()
    if user.has_role(Role.ADMIN, Role.REVIEWER):
        return orders
    if user.has_role(Role.ENTERPRISE):
        return orders.filter(enterprise_id=user.organisation_id)
    if user.has_role(Role.PROVIDER):
        return orders.filter(provider_id=user.organisation_id)
    return orders.none()


def order_list(user: Any, *, status: str | None = None) -> QuerySet[Order]:
    orders = orders_visible_to(user)
    return orders.filter(status=status) if status else orders

"""Reads of contracts and ratings, filtered to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from voucher.catalogue.models import Product
from voucher.contracts.models import Contract, Rating
from voucher.core.permissions import has_capability
from voucher.orders.choices import OrderStatus
from voucher.orders.models import Order


def contracts_visible_to(user: Any) -> QuerySet[Contract]:
    """The enterprise's or provider's own contracts, or all for the Bureau and reviewers."""
    contracts = Contract.objects.select_related("order", "product", "enterprise", "provider", "programme")
    if not getattr(user, "is_authenticated", False):
        return contracts.none()
    if has_capability(user, "records.view_all"):
        return contracts
    if has_capability(user, "party.enterprise"):
        return contracts.filter(enterprise_id=user.organisation_id)
    if has_capability(user, "party.provider"):
        return contracts.filter(provider_id=user.organisation_id)
    return contracts.none()


def contract_list(user: Any, *, status: str | None = None) -> QuerySet[Contract]:
    contracts = contracts_visible_to(user)
    return contracts.filter(status=status) if status else contracts


def orders_awaiting_contract(user: Any) -> QuerySet[Order]:
    """Accepted orders of the provider that have no contract yet."""
    if not has_capability(user, "party.provider"):
        return Order.objects.none()
    return Order.objects.select_related("product", "enterprise").filter(
        provider_id=user.organisation_id, status=OrderStatus.ACCEPTED, contract__isnull=True
    )


def product_ratings(product: Product, *, limit: int = 10) -> dict[str, Any]:
    """The rating summary for the public product page (C7): average and count, and the latest ratings
    with the provider's replies. Public data: no enterprise names are shown."""
    latest = list(Rating.objects.filter(product=product).order_by("-rated_at", "-id")[:limit])
    return {"count": product.rating_count, "average": product.rating_average, "latest": latest}

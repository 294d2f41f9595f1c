"""Reads of the catalogue, filtered by what the user may see (O1 is public)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet

from voucher.catalogue.choices import CatalogueSort, ProductStatus
from voucher.catalogue.models import Product
from voucher.core.permissions import has_capability
from voucher.programmes.models import ProgrammeYear

SORTS: dict[str, list[Any]] = {
    CatalogueSort.DEFAULT: ["direction__number", "name", "id"],
    CatalogueSort.PRICE_ASC: ["price_amount", "id"],
    CatalogueSort.PRICE_DESC: ["-price_amount", "id"],
    CatalogueSort.RATING: [F("rating_average").desc(nulls_last=True), "-rating_count", "id"],
    CatalogueSort.VOUCHERS: ["-vouchers_left", "id"],
}


def _base() -> QuerySet[Product]:
    return Product.objects.select_related("direction", "direction__field", "subtype", "programme")


def catalogue_products(
    *,
    programme: ProgrammeYear | None,
    field: str = "",
    direction: str = "",
    query: str = "",
    sort: str = "",
) -> QuerySet[Product]:
    """The public catalogue (O1): products on sale, filtered by field code or direction number, searched
    over name, summary and provider name (substring match, so Chinese words without spaces are found;
    on PostgreSQL the trigram indexes serve these ``ILIKE`` lookups), sorted."""
    items = _base().filter(status=ProductStatus.ON_SALE)
    if programme is not None:
        items = items.filter(programme=programme)
    if field:
        items = items.filter(direction__field__code=field)
    if direction:
        items = items.filter(direction__number=direction) if direction.isdigit() else items.none()
    words = [w for w in (query or "").split() if w][:5]
    for word in words:
        items = items.filter(
            Q(name__icontains=word) | Q(summary__icontains=word) | Q(provider_name__icontains=word)
        )
    return items.order_by(*SORTS.get(sort, SORTS[CatalogueSort.DEFAULT]))


def products_for_management(user: Any, *, status: str = "") -> QuerySet[Product]:
    """产品上线 (admins): every product of every notice, newest first."""
    if not has_capability(user, "catalogue.manage"):
        return Product.objects.none()
    items = _base()
    if status:
        items = items.filter(status=status)
    return items.order_by("status", "direction__number", "name", "id")


def products_of_provider(user: Any) -> QuerySet[Product]:
    if not has_capability(user, "party.provider"):
        return Product.objects.none()
    return _base().filter(provider_id=user.organisation_id).order_by("-created_at", "-id")


def ready_count() -> int:
    return Product.objects.filter(status=ProductStatus.READY).count()

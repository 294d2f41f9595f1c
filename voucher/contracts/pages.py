"""The ratings section of the public product page (C7), registered in ``AppConfig.ready``."""

from __future__ import annotations

from typing import Any

from voucher.catalogue.models import Product
from voucher.catalogue.pages import register_product_section
from voucher.contracts.selectors import product_ratings


@register_product_section
def ratings(product: Product) -> dict[str, Any]:
    """The product's rating summary and latest ratings."""
    return {"ratings": product_ratings(product)}

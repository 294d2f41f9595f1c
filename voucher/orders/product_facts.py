"""What placing an order reads of a product, its programme year and its provider, from the shared cache.

Those facts (name, status, price, the year's ordering rules, the provider's name) change rarely, and every
order reads them; the product's ``vouchers_left``, which changes with every order, is never cached: the
order takes its voucher with a conditional ``UPDATE`` on the row (:func:`voucher.orders.services.order_place`),
which also requires the product to be on sale, so stale facts can never sell a voucher that is not there or
a product that is not on sale.

Version tokens keep the facts current (:func:`voucher.core.cache.facts_changed`):

* every change to a product by the catalogue services (on sale, suspended, resumed, withdrawn, …) replaces
  that product's token after it commits (scope ``product``);
* every save of a programme year or of a provider organisation (the provider's name is among the facts),
  by a service or in the admin site, replaces the one token shared by all products (scope
  ``order-rules``; the receivers are in :mod:`voucher.orders.apps`);
* an entry records the two tokens read *before* its product row was read, and holds only while both
  are still those, so a change that commits after the read invalidates the entry even when the entry is
  written after the change.

Entries also expire after :data:`FACTS_SECONDS`. Cache errors fail open: the product is read from the
database. Used only with a cache that every server process shares.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache

from voucher.catalogue.models import Product
from voucher.core.cache import facts_version_key, shared_cache_enabled

logger = logging.getLogger(__name__)

FACTS_SECONDS = 600
RULES_VERSION_KEY = facts_version_key("order-rules")

# The fields an order reads (the rows are wide); ``vouchers_left`` is read only when the row itself is.
FACT_FIELDS = (
    "name", "status", "price_amount", "programme_id", "direction_id", "provider_id",
    "programme__year", "programme__last_order_day", "programme__acceptance_working_days",
    "programme__subsidy_rate_cap", "programme__max_open_orders_per_product", "provider__name",
)  # fmt: skip


def _entry_key(product_id: int) -> str:
    return f"orders:product-facts:{product_id}"


def _version_key(product_id: int) -> str:
    return facts_version_key("product", product_id)


def keys(product_id: int) -> list[str]:
    """The cache keys read for a product's facts: the entry and the two versions it must match."""
    return [_entry_key(product_id), _version_key(product_id), RULES_VERSION_KEY]


def versions_from(product_id: int, values: dict[str, Any]) -> tuple[Any, Any]:
    return values.get(_version_key(product_id)), values.get(RULES_VERSION_KEY)


def cached_from(product_id: int, values: dict[str, Any]) -> Product | None:
    """The cached product (without ``vouchers_left``) when its entry matches the current versions."""
    entry = values.get(_entry_key(product_id))
    if not isinstance(entry, dict) or entry.get("versions") != list(versions_from(product_id, values)):
        return None
    product = entry.get("product")
    return product if isinstance(product, Product) else None


def read(product_id: int) -> dict[str, Any]:
    """One cache round trip for :func:`keys` (empty when the cache is not shared or fails)."""
    if not shared_cache_enabled():
        return {}
    try:
        return cache.get_many(keys(product_id))
    except Exception:
        logger.exception("product facts unreadable for product %s", product_id)
        return {}


def product_for_order(product_id: int, values: dict[str, Any] | None) -> tuple[Product, bool]:
    """The product with its programme year and provider, and whether ``vouchers_left`` was read.

    ``values`` are the cache values read for :func:`keys` (``None``: no shared cache). From the cache when
    the entry is current; otherwise from the database, with ``vouchers_left``, and then stored with the
    versions read before. Raises ``Product.DoesNotExist`` for an unknown id.
    """
    if values is not None:
        cached = cached_from(product_id, values)
        if cached is not None:
            return cached, False
    product = (
        Product.objects.select_related("programme", "provider")
        .only("vouchers_left", *FACT_FIELDS)
        .get(pk=product_id)
    )
    if values is not None:
        _store(product, versions_from(product_id, values))
    return product, True


def _store(product: Product, versions: tuple[Any, Any]) -> None:
    entry = {"versions": list(versions), "product": _without_vouchers(product)}
    try:
        cache.set(_entry_key(product.pk), entry, FACTS_SECONDS)
    except Exception:
        logger.exception("product facts not cached for product %s", product.pk)


def _without_vouchers(product: Product) -> Product:
    """A copy of ``product`` with its programme and provider, without ``vouchers_left`` (deferred)."""
    values = {field.attname: getattr(product, field.attname) for field in Product._meta.concrete_fields
              if field.attname in product.__dict__ and field.attname != "vouchers_left"}  # fmt: skip
    copy = Product.from_db(product._state.db, list(values), list(values.values()))
    copy.programme = product.programme
    copy.provider = product.provider
    return copy

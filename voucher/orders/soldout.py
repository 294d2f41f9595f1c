"""The launch-day shortcut for sold-out products (SPEC O3): refuse without queueing on the hot row.

Once a product is found sold out, a flag in the shared cache lets every server process refuse further
orders for it before any transaction, and before loading anything from the database. The flag can never
hide a voucher that came back:

* every committed release of a voucher (decline, cancellation, expiry) replaces the product's
  *generation* token in the cache, after the commit;
* a flag records the generation read *before* the product was seen sold out, and holds only while the
  generation is still that one.

A release that commits after the observation therefore invalidates the flag even when the flag is
written after the release; a release that committed before the generation was read is visible to the
observation itself. Cache errors fail open: the order takes the normal path and the database decides.
The shortcut is used only with a cache that every server process shares (Redis), or when
``VOUCHER_ORDER_SHARED_CACHE`` turns it on explicitly (tests).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

FLAG_SECONDS = 60
UNSHARED_BACKENDS = ("LocMemCache", "DummyCache", "FileBasedCache")


def shared_cache_enabled() -> bool:
    """Whether cached order shortcuts may be used: only with one cache shared by every server process."""
    configured = getattr(settings, "VOUCHER_ORDER_SHARED_CACHE", None)
    if configured is not None:
        return bool(configured)
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return not backend.endswith(UNSHARED_BACKENDS)


def _flag_key(product_id: int) -> str:
    return f"orders:sold-out:{product_id}"


def _generation_key(product_id: int) -> str:
    return f"orders:vouchers-back:{product_id}"


@dataclass(frozen=True)
class Observation:
    """What the cache said about a product before its row was read."""

    enabled: bool
    generation: str | None = None
    sold_out_name: str | None = None


OFF = Observation(enabled=False)


def observe(product_id: int) -> Observation:
    """One cache round trip: the current generation and, if the flag holds, the sold-out product's name."""
    if not shared_cache_enabled():
        return OFF
    flag_key, generation_key = _flag_key(product_id), _generation_key(product_id)
    try:
        values = cache.get_many([flag_key, generation_key])
    except Exception:
        logger.exception("sold-out flag unreadable for product %s", product_id)
        return OFF
    generation = values.get(generation_key)
    flag = values.get(flag_key)
    name = flag.get("name") if isinstance(flag, dict) and flag.get("generation") == generation else None
    return Observation(enabled=True, generation=generation, sold_out_name=name)


def mark_sold_out(product_id: int, name: str, seen: Observation) -> None:
    """Record that the product was sold out when ``seen`` was taken (valid until a voucher comes back)."""
    if not seen.enabled:
        return
    try:
        cache.set(_flag_key(product_id), {"generation": seen.generation, "name": name}, FLAG_SECONDS)
    except Exception:
        logger.exception("sold-out flag not written for product %s", product_id)


def _new_generation(product_id: int) -> None:
    try:
        cache.set(_generation_key(product_id), uuid.uuid4().hex, None)
        cache.delete(_flag_key(product_id))
    except Exception:
        logger.exception("sold-out flag not cleared for product %s", product_id)


def vouchers_returned(product_id: int) -> None:
    """Call inside the transaction that gives a voucher back: clears the flag once that commits."""
    if shared_cache_enabled():
        transaction.on_commit(lambda: _new_generation(product_id))

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
The shortcut is used only with a cache that every server process shares
(:func:`voucher.core.cache.shared_cache_enabled`).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from voucher.core.cache import shared_cache_enabled

logger = logging.getLogger(__name__)

FLAG_SECONDS = 60


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


def keys(product_id: int) -> list[str]:
    """The cache keys an observation reads: the product's flag and its generation token."""
    return [_flag_key(product_id), _generation_key(product_id)]


def observation_from(product_id: int, values: dict[str, object]) -> Observation:
    """The observation made of the values read for :func:`keys` (missing keys left out)."""
    generation = values.get(_generation_key(product_id))
    flag = values.get(_flag_key(product_id))
    name = flag.get("name") if isinstance(flag, dict) and flag.get("generation") == generation else None
    return Observation(
        enabled=True,
        generation=generation if isinstance(generation, str) else None,
        sold_out_name=name,
    )


def observe(product_id: int) -> Observation:
    """One cache round trip: the current generation and, if the flag holds, the sold-out product's name."""
    if not shared_cache_enabled():
        return OFF
    try:
        values = cache.get_many(keys(product_id))
    except Exception:
        logger.exception("sold-out flag unreadable for product %s", product_id)
        return OFF
    return observation_from(product_id, values)


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

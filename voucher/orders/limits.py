"""Launch-day gate on order submission: rate limits per enterprise and per address, counted in the cache.

The same cache round trip also reads the product's sold-out flag (:mod:`voucher.orders.soldout`) and its
cached facts (:mod:`voucher.orders.product_facts`), so a
submission for a product already known to be sold out is refused after this one cache call and one
indexed read of the enterprise's earlier submission with the same idempotency key (kept in the database,
so a retry gets its order back even after the cache lost everything).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any

from django.conf import settings
from django_ratelimit.exceptions import Ratelimited

from voucher.core.cache import count_and_read, shared_cache_enabled
from voucher.core.clientip import client_network
from voucher.core.ratelimits import counter, over_limit
from voucher.orders import product_facts, soldout
from voucher.orders.permissions import can_place_order

logger = logging.getLogger(__name__)


def enforce_order_rate_limits(request: Any, product_id: int | None = None) -> soldout.Observation:
    """Count this submission and raise :class:`Ratelimited` (HTTP 429) beyond the configured rates.

    The caller must be allowed to order first (``PermissionDenied`` otherwise, before anything is
    counted): a provider or an anonymous caller never uses up an enterprise's budget. Fixed windows:
    ``VOUCHER_ORDER_RATE_PER_ENTERPRISE`` per enterprise and ``VOUCHER_ORDER_RATE_PER_IP`` per client
    address (:func:`voucher.core.clientip.client_network`, behind the trusted proxies). With
    ``product_id`` the product's sold-out observation is read in the same round trip and returned (for
    :func:`voucher.orders.services.order_place`). Cache errors fail open: without the cache the order takes
    the database path.
    """
    can_place_order(request.user).enforce()
    now = time.time()
    limits = [
        counter(
            "orders:enterprise", request.user.organisation_id, settings.VOUCHER_ORDER_RATE_PER_ENTERPRISE, now
        ),
        counter("orders:ip", client_network(request), settings.VOUCHER_ORDER_RATE_PER_IP, now),
    ]
    product = product_id if product_id is not None and shared_cache_enabled() else None
    reads = soldout.keys(product) + product_facts.keys(product) if product is not None else []
    try:
        counts, values = count_and_read([key for key, _limit in limits], reads)
    except Exception:
        logger.exception("order rate limits not counted")
        return soldout.OFF
    if over_limit(limits, counts):
        raise Ratelimited()
    if product is None:
        return soldout.OFF
    return dataclasses.replace(soldout.observation_from(product, values), facts=values)

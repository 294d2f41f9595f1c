"""Launch-day gate on order submission: rate limits per enterprise and per address, counted in the cache.

The same cache round trip also reads the product's sold-out flag (:mod:`voucher.orders.soldout`), so a
submission for a product already known to be sold out costs one cache call before it is refused.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from typing import Any

from django.conf import settings
from django_ratelimit.exceptions import Ratelimited

from voucher.core.cache import count_and_read, shared_cache_enabled
from voucher.orders import soldout

logger = logging.getLogger(__name__)

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/m"`` → (20, 60); ``"5/10m"`` → (5, 600). Units: s, m, h, d."""
    count, _, period = rate.partition("/")
    multiplier = period[:-1] or "1"
    return int(count), int(multiplier) * UNITS[period[-1]]


def client_address(request: Any) -> str:
    """The caller's address; an IPv6 address counts by its /64 network (one household or office)."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return address


def _counter(group: str, value: Any, rate: str, now: float) -> tuple[tuple[str, int], int]:
    limit, seconds = parse_rate(rate)
    window = int(now // seconds)
    return (f"orders:rate:{group}:{value}:{seconds}:{window}", seconds), limit


def enforce_order_rate_limits(request: Any, product_id: int | None = None) -> soldout.Observation:
    """Count this submission and raise :class:`Ratelimited` (HTTP 429) beyond the configured rates.

    Fixed windows: ``VOUCHER_ORDER_RATE_PER_ENTERPRISE`` per enterprise and ``VOUCHER_ORDER_RATE_PER_IP``
    per address. With ``product_id`` the product's sold-out observation is read in the same round trip and
    returned (for :func:`voucher.orders.services.order_place`). Cache errors fail open.
    """
    now = time.time()
    enterprise = getattr(request.user, "organisation_id", None) or "anonymous"
    limits = [
        _counter("enterprise", enterprise, settings.VOUCHER_ORDER_RATE_PER_ENTERPRISE, now),
        _counter("ip", client_address(request), settings.VOUCHER_ORDER_RATE_PER_IP, now),
    ]
    product = product_id if product_id is not None and shared_cache_enabled() else None
    reads = soldout.keys(product) if product is not None else []
    try:
        counts, values = count_and_read([counter for counter, _limit in limits], reads)
    except Exception:
        logger.exception("order rate limits not counted")
        return soldout.OFF
    if any(count > limit for count, (_counter, limit) in zip(counts, limits, strict=True)):
        raise Ratelimited()
    return soldout.observation_from(product, values) if product is not None else soldout.OFF

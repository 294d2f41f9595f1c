"""Launch-day rate limits on order submission, per enterprise and per address, counted in the cache.

Counted by the order gate (:func:`voucher.orders.gate.admit`) in the same cache round trip that reads the
product's sold-out flag and cached facts.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

from voucher.core.clientip import client_network
from voucher.core.ratelimits import counter


def order_rate_counters(request: Any) -> list[tuple[tuple[str, int], int]]:
    """The fixed-window counters one submission adds to: ``VOUCHER_ORDER_RATE_PER_ENTERPRISE`` per
    enterprise and ``VOUCHER_ORDER_RATE_PER_IP`` per client address
    (:func:`voucher.core.clientip.client_network`, behind the trusted proxies)."""
    now = time.time()
    return [
        counter(
            "orders:enterprise", request.user.organisation_id, settings.VOUCHER_ORDER_RATE_PER_ENTERPRISE, now
        ),
        counter("orders:ip", client_network(request), settings.VOUCHER_ORDER_RATE_PER_IP, now),
    ]

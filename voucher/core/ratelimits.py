"""Fixed-window rate limits counted in the shared cache (one round trip for all of a request's counters).

A rate is written ``"count/period"`` (``"20/m"``, ``"5/10m"``); beyond it :class:`Ratelimited` is raised,
which pages answer with the 429 page and the API with ``{"code": "rate_limited"}``. Cache errors fail open:
a throttle never makes the platform unavailable.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django_ratelimit.exceptions import Ratelimited

from voucher.core.cache import count_and_read
from voucher.core.clientip import client_network

logger = logging.getLogger(__name__)

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/m"`` → (20, 60); ``"5/10m"`` → (5, 600). Units: s, m, h, d."""
    count, _, period = rate.partition("/")
    multiplier = period[:-1] or "1"
    return int(count), int(multiplier) * UNITS[period[-1]]


def counter(group: str, value: Any, rate: str, now: float) -> tuple[tuple[str, int], int]:
    """The cache counter ``(key, seconds)`` of ``value`` in ``group`` for the current window, and its limit."""
    limit, seconds = parse_rate(rate)
    window = int(now // seconds)
    return (f"rate:{group}:{value}:{seconds}:{window}", seconds), limit


def over_limit(limits: Sequence[tuple[tuple[str, int], int]], counts: Sequence[int]) -> bool:
    return any(count > limit for count, (_counter, limit) in zip(counts, limits, strict=True))


def enforce_objection_limits(request: Any, scope: str, notice_id: int) -> None:
    """Count an objection to a public notice; raise :class:`Ratelimited` beyond the configured rates.

    Objections are anonymous, so they are counted per client address (``VOUCHER_OBJECTION_RATE_PER_IP``,
    behind the trusted proxies) and per notice (``VOUCHER_OBJECTION_RATE_PER_NOTICE``, against a flood
    from many addresses). ``scope`` names the kind of notice (``"product"``, ``"payout"``).
    """
    now = time.time()
    limits = [
        counter(
            f"objection:{scope}:ip", client_network(request), settings.VOUCHER_OBJECTION_RATE_PER_IP, now
        ),
        counter(f"objection:{scope}:notice", notice_id, settings.VOUCHER_OBJECTION_RATE_PER_NOTICE, now),
    ]
    try:
        counts, _values = count_and_read([key for key, _limit in limits], [])
    except Exception:
        logger.exception("objection rate limits not counted")
        return
    if over_limit(limits, counts):
        raise Ratelimited()

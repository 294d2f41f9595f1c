"""Launch-day rate limits on order submission (per enterprise and per address), counted in the cache."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited


def _enterprise_key(group: str, request: Any) -> str:
    return f"enterprise:{getattr(request.user, 'organisation_id', None) or 'anonymous'}"


def enforce_order_rate_limits(request: Any) -> None:
    """Count this submission and raise :class:`Ratelimited` (HTTP 429) beyond the configured rates."""
    limits = [
        ("orders.place", _enterprise_key, settings.VOUCHER_ORDER_RATE_PER_ENTERPRISE),
        ("orders.place.ip", "ip", settings.VOUCHER_ORDER_RATE_PER_IP),
    ]
    for group, key, rate in limits:
        if is_ratelimited(request, group=group, key=key, rate=rate, method=ALL, increment=True):
            raise Ratelimited()

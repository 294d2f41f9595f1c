"""Fixtures for ordering: eligible enterprises and products on sale."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from voucher.testing.orders import another_buyer, buyer, on_order_day, product, provider  # noqa: F401


@pytest.fixture(autouse=True)
def shared_order_cache(settings):
    """Ordering tests run with the shared-cache shortcuts on (Redis in production), from an empty cache."""
    settings.VOUCHER_SHARED_CACHE = True
    cache.clear()
    yield
    cache.clear()

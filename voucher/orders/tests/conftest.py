"""Fixtures for ordering: eligible enterprises and products on sale."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from voucher.core import clock
from voucher.testing.builders import ORDER_DAY, make_eligible, make_product
from voucher.testing.factories import OrganisationFactory, UserFactory

__all__ = ["ORDER_DAY", "make_eligible", "make_product"]


@pytest.fixture(autouse=True)
def shared_order_cache(settings):
    """Ordering tests run with the shared-cache shortcuts on (Redis in production), from an empty cache."""
    settings.VOUCHER_SHARED_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def on_order_day():
    with clock.frozen_at(ORDER_DAY) as moment:
        yield moment


@pytest.fixture
def buyer(enterprise_user, programme_2025, on_order_day):
    """An authenticated, classified small enterprise (software, I65) with 200,000 available."""
    return make_eligible(enterprise_user, programme_2025)


@pytest.fixture
def provider(db):
    return UserFactory(provider=True)


@pytest.fixture
def product(programme_2025, provider):
    return make_product(programme_2025, provider=provider)


@pytest.fixture
def another_buyer(programme_2025, on_order_day):
    return make_eligible(UserFactory(organisation=OrganisationFactory(enterprise=True)), programme_2025)

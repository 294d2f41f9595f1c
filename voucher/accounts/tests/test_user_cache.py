"""The logged-in user read from the shared cache: every change to the user takes effect on the next request."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from voucher.accounts.backends import active_user
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings):
    settings.VOUCHER_SHARED_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_a_cached_user_costs_no_query(shared_cache):
    user = UserFactory()
    assert active_user(user.pk) == user
    with CaptureQueriesContext(connection) as queries:
        assert active_user(user.pk) == user
    assert len(queries) == 0


def test_without_a_shared_cache_the_user_is_read_each_time(settings):
    settings.VOUCHER_SHARED_CACHE = False
    user = UserFactory()
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert active_user(user.pk) == user
        assert len(queries) == 1


def test_deactivating_a_user_logs_them_out_on_the_next_request(shared_cache, client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/api/v1/orders/").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/api/v1/orders/").status_code == 401


def test_a_password_change_ends_other_sessions(shared_cache, client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/api/v1/orders/").status_code == 200
    user.set_password("a-new-password-2025")
    user.save()
    assert client.get("/api/v1/orders/").status_code == 401


def test_a_deleted_or_unknown_user_is_nobody(shared_cache):
    user = UserFactory()
    assert active_user(user.pk) is not None
    user.delete()
    assert active_user(user.pk) is None
    assert active_user(987654321) is None

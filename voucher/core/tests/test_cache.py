"""The shared cache: one Redis client per pool, and counters with reads in one round trip."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import caches
from django.test import override_settings

from voucher.core.cache import count_and_read, shared_cache_enabled

REDIS_URL = "redis://127.0.0.1:6379/13"


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t-cache"}}
REDIS = {"default": {"BACKEND": "voucher.core.cache.RedisCache", "LOCATION": REDIS_URL}}
needs_redis = pytest.mark.skipif(not redis_reachable(), reason="no Redis reachable at 127.0.0.1:6379")
BACKENDS = [pytest.param(LOCAL, id="locmem"), pytest.param(REDIS, id="redis", marks=needs_redis)]


@pytest.fixture(params=BACKENDS)
def cache_backend(request):
    with override_settings(CACHES=request.param):
        caches["default"].clear()
        yield caches["default"]
        caches["default"].clear()


def test_counters_count_from_one_and_reads_see_stored_values(cache_backend):
    first, second = f"c1-{uuid.uuid4().hex}", f"c2-{uuid.uuid4().hex}"
    cache_backend.set("flag", {"name": "产品", "generation": "g1"})
    cache_backend.set("generation", "g1")
    counts, values = count_and_read([(first, 60), (second, 60)], ["flag", "generation", "missing"])
    assert counts == [1, 1]
    assert values == {"flag": {"name": "产品", "generation": "g1"}, "generation": "g1"}
    counts, _ = count_and_read([(first, 60)], [])
    assert counts == [2]
    assert cache_backend.get(first) == 2  # the counter is an ordinary cache value


@needs_redis
def test_counters_expire_after_their_window():
    with override_settings(CACHES=REDIS):
        key = f"c-{uuid.uuid4().hex}"
        count_and_read([(key, 60)], [])
        backend = caches["default"]
        ttl = backend._cache.get_client().ttl(backend.make_and_validate_key(key))
        assert 0 < ttl <= 60


@needs_redis
def test_one_redis_client_is_reused_for_every_call():
    with override_settings(CACHES=REDIS):
        backend = caches["default"]
        client = backend._cache.get_client(write=True)
        backend.set("x", 1)
        assert backend.get("x") == 1
        assert backend._cache.get_client(write=True) is client
        assert backend._cache.get_client() is client


def test_shared_cache_means_one_cache_for_every_process(settings):
    settings.VOUCHER_SHARED_CACHE = None
    with override_settings(CACHES=LOCAL):
        assert not shared_cache_enabled()
    with override_settings(CACHES=REDIS):
        assert shared_cache_enabled()
    settings.VOUCHER_SHARED_CACHE = True
    with override_settings(CACHES=LOCAL):
        assert shared_cache_enabled()


@needs_redis
def test_redis_takes_keys_that_memcached_would_warn_about():
    import warnings

    with override_settings(CACHES=REDIS), warnings.catch_warnings():
        warnings.simplefilter("error")
        backend = caches["default"]
        key = "订单 " + "x" * 300
        backend.set(key, 1)
        assert backend.get(key) == 1
        backend.delete(key)

"""The shared cache backend: Django's Redis cache, reusing one client per connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object for every cache call; with redis-py 8
that copies a table of some 170 response callbacks each time, which made a cache call cost more than
its network round trip. The client is thread-safe (connections come from the pool), so one per pool is
kept and reused. Keys are not put through memcached's key warnings. Everything else — serialisation,
pools, options — is Django's.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import transaction

logger = logging.getLogger(__name__)

UNSHARED_BACKENDS = ("LocMemCache", "DummyCache", "FileBasedCache")


def shared_cache_enabled() -> bool:
    """Whether cached shortcuts may be used: only with one cache shared by every server process.

    The sold-out flag, the cached acceptance deadline and the cached login user are correct only when
    every process reads and invalidates the same cache (Redis). ``VOUCHER_SHARED_CACHE`` forces the
    answer (tests).
    """
    configured = getattr(settings, "VOUCHER_SHARED_CACHE", None)
    if configured is not None:
        return bool(configured)
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    return not backend.endswith(UNSHARED_BACKENDS)


class ReusingRedisCacheClient(RedisCacheClient):
    """A ``RedisCacheClient`` that creates the ``redis.Redis`` object once per connection pool."""

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client: Any = self  # the pool helpers are Django's, untyped in django-stubs
        index = django_client._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = django_client._get_connection_pool(write)
            client = self._clients[index] = django_client._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with :class:`ReusingRedisCacheClient`.

    Keys are not checked for memcached's limits (250 characters, no spaces or control characters): Redis
    takes any key, and the check walks every key character by character on every cache call.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def validate_key(self, key: str) -> None:
        return None


def count_and_read(
    counters: Sequence[tuple[str, int]], reads: Sequence[str]
) -> tuple[list[int], dict[str, Any]]:
    """Add one to each ``(key, seconds)`` counter and read the ``reads`` keys, in one round trip on Redis.

    A counter starts at 1 and expires ``seconds`` after its first hit. Returns the new counts in order and
    the values found (missing keys are left out). Other cache backends do the same with separate calls.
    """
    cache = caches["default"]
    if isinstance(cache, DjangoRedisCache):
        return _redis_count_and_read(cache, counters, reads)
    counts = []
    for key, seconds in counters:
        cache.add(key, 0, seconds)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between the two calls
            cache.set(key, 1, seconds)
            counts.append(1)
    values = cache.get_many(list(reads)) if reads else {}
    return counts, values


def _redis_count_and_read(
    backend: Any, counters: Sequence[tuple[str, int]], reads: Sequence[str]
) -> tuple[list[int], dict[str, Any]]:
    client = backend._cache.get_client(write=True)
    serializer = backend._cache._serializer
    pipe = client.pipeline(transaction=False)
    for key, seconds in counters:
        full = backend.make_and_validate_key(key)
        pipe.set(full, 0, ex=seconds, nx=True)  # stored as a bare integer, as Django's cache does
        pipe.incr(full)
    if reads:
        pipe.mget([backend.make_and_validate_key(key) for key in reads])
    results = pipe.execute()
    counts = [int(n) for n in results[1 : 2 * len(counters) : 2]]
    found = results[2 * len(counters)] if reads else []
    values = {key: serializer.loads(raw) for key, raw in zip(reads, found, strict=True) if raw is not None}
    return counts, values


def facts_version_key(scope: str, ident: int | None = None) -> str:
    """The cache key of the version token of cached facts about ``scope`` (and one row of it)."""
    return f"facts-version:{scope}" if ident is None else f"facts-version:{scope}:{ident}"


def _facts_version_replace(key: str) -> None:
    try:
        caches["default"].set(key, uuid.uuid4().hex, None)
    except Exception:
        logger.exception("facts version %s not replaced", key)


def facts_changed(scope: str, ident: int | None = None) -> None:
    """Call inside a transaction that changes facts other processes cache: once it commits, the version
    token of ``scope`` (and ``ident``) is replaced, so every entry stored under the old token stops holding.

    Entries must record the tokens read *before* their rows were read (see
    :mod:`voucher.orders.product_facts`); without a shared cache nothing is cached, and nothing is done.
    """
    if shared_cache_enabled():
        key = facts_version_key(scope, ident)
        transaction.on_commit(lambda: _facts_version_replace(key))

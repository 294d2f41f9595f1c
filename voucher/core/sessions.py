"""Sessions kept in the database and cached in the shared cache, working on without the cache.

Django's ``cached_db`` engine writes every session to the database and reads it from the cache, but some of
its cache calls let a cache error through, so a Redis outage answered 500 to every logged-in request. Here
each cache call is guarded: with the cache down, sessions are read from and written to the database only.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    """``cached_db`` sessions whose cache failures fall back to the database (engine
    ``voucher.core.sessions``)."""

    _cache: Any  # the session cache (django-stubs do not declare it)

    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("session cache unavailable: reading the session from the database")
            data = None
        if data is not None:
            return data
        stored = cast(Any, self)._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception:
            logger.warning("session cache unavailable: session not cached")
        return data

    def exists(self, session_key: str) -> bool:
        try:
            return super().exists(session_key)
        except Exception:
            return DBStore.exists(self, session_key)

    def delete(self, session_key: str | None = None) -> None:
        DBStore.delete(self, session_key)
        key = session_key if session_key is not None else self.session_key
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:
            logger.warning("session cache unavailable: cached session not deleted")

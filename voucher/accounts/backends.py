"""Authentication backends: the password backend, with the logged-in user read from the shared cache.

Every authenticated request loads its user. With a cache shared by every server process (Redis), the
user row is kept there for :data:`USER_CACHE_SECONDS` and dropped whenever the user is saved or deleted
(at once and again after the commit), so a password change, a deactivation or a new role takes effect
on the next request. Without a shared cache the row is read from the database each time.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

from voucher.accounts.models import User
from voucher.core.cache import shared_cache_enabled

logger = logging.getLogger(__name__)

USER_CACHE_SECONDS = 60


def _key(user_id: Any) -> str:
    return f"accounts:user:{user_id}"


def active_user(user_id: Any) -> User | None:
    """The active user with this id, from the shared cache when there is one; ``None`` otherwise."""
    if not shared_cache_enabled():
        return User.objects.filter(pk=user_id, is_active=True).first()
    try:
        user = cache.get(_key(user_id))
    except Exception:
        logger.exception("user %s not read from the cache", user_id)
        user = None
    if user is None:
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            return None
        try:
            cache.set(_key(user_id), user, USER_CACHE_SECONDS)
        except Exception:
            logger.exception("user %s not cached", user_id)
    return user if user.is_active else None


def forget_user(user_id: Any) -> None:
    """Drop the cached user now and once the current transaction commits (a concurrent read may refill it)."""
    if not shared_cache_enabled():
        return

    def drop() -> None:
        try:
            cache.delete(_key(user_id))
        except Exception:
            logger.exception("cached user %s not dropped", user_id)

    drop()
    transaction.on_commit(drop)


def user_changed(sender: Any, instance: User, **_: Any) -> None:
    """``post_save`` / ``post_delete`` receiver for :class:`User`."""
    forget_user(instance.pk)


class PasswordBackend(ModelBackend):
    """Django's username-and-password backend; the session's user comes from :func:`active_user`."""

    def get_user(self, user_id: Any) -> User | None:
        return active_user(user_id)

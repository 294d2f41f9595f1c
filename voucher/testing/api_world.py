"""A world of records built once per test module, for calling the API in-process (schemathesis, matrices)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, override_settings


@contextmanager
def module_world(django_db_blocker: Any, media_root: Path) -> Iterator[None]:
    """Database access for a module-scoped fixture, inside one transaction rolled back at the end.

    Uploads go under ``media_root`` and rate limits are off. Requests keep the test's database connection
    open (Django closes it at the end of each request otherwise, which would end the transaction).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(MEDIA_ROOT=str(media_root), RATELIMIT_ENABLE=False),
            transaction.atomic(),
        ):
            yield
            transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def session_cookies(users: dict[str, Any]) -> dict[str, str]:
    """A logged-in session cookie value for each user, by the same keys."""
    cookies = {}
    for key, user in users.items():
        client = Client()
        client.force_login(user)
        cookies[key] = client.cookies["sessionid"].value
    return cookies

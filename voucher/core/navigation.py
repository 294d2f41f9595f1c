"""The top navigation, assembled from what each app offers the user's role.

An app registers a function taking the user and returning ``(label, url)`` pairs in its
``AppConfig.ready``; the order of registration is the order on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NavProvider = Callable[[Any], list[tuple[str, str]]]
_providers: list[NavProvider] = []


def register_nav(provider: NavProvider) -> NavProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def nav_items(user: Any) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for provider in _providers:
        items.extend(provider(user))
    return items

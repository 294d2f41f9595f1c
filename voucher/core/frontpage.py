"""The public front page's content, contributed by the apps that own it.

Each app registers a provider in its ``AppConfig.ready``; a provider returns template variables for
``core/home.html`` (the programme year registers the current year and its directions). The kernel renders
the page without knowing which stage supplies what.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[[], dict[str, Any]]
_providers: list[Provider] = []


def register_front_page(provider: Provider) -> Provider:
    """Add a provider (idempotent, usable as a decorator)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def front_page_context() -> dict[str, Any]:
    """The template variables of every registered provider, in registration order."""
    context: dict[str, Any] = {}
    for provider in _providers:
        context.update(provider())
    return context

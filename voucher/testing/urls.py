"""The platform's named pages read from the URL configuration, and a path for each that names no record."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

# Namespaces that are not the platform's own pages: the admin site has its own login, the API its own tests.
NOT_PAGES: frozenset[str | None] = frozenset({"admin", "api", None})


def pages(
    resolver: URLResolver, excluded: frozenset[str | None], prefix: str = "", namespace: str | None = None
) -> Iterator[tuple[str, str]]:
    """``(namespace:name, route)`` of every named page outside the ``excluded`` namespaces."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from pages(pattern, excluded, route, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace not in excluded:
            yield f"{namespace}:{pattern.name}", route


def sample_path(route: str) -> str:
    """A concrete path for a route: every converter gets a value that names no real record."""
    path = re.sub(r"<int:\w+>", "999999", route)
    path = re.sub(r"<(?:str|slug|uuid|path):\w+>|<\w+>", "no-such-record", path)
    return "/" + path.lstrip("^").rstrip("$")


def site_pages() -> list[tuple[str, str]]:
    """Every page of the platform (outside :data:`NOT_PAGES`), sorted by name."""
    return sorted(pages(get_resolver(), NOT_PAGES))

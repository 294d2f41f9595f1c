"""Pages that htmx updates in place: the same view answers a whole page to a normal request and only the
changed part (a partial template) to htmx's own requests.

htmx marks its requests with ``HX-Request: true``; when it restores a page from history that it no longer
has in its cache it also sends ``HX-History-Restore-Request: true`` and then needs the whole page. Answers
vary by that header, so a cache never serves a partial for a page or the other way round.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def is_htmx(request: HttpRequest) -> bool:
    """A request htmx sent for part of a page (not a history restore, which wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_partial(
    request: HttpRequest, page: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """Render ``partial`` for htmx and ``page`` (which includes the partial) otherwise."""
    response = render(request, partial if is_htmx(request) else page, context)
    patch_vary_headers(response, ("HX-Request",))
    return response

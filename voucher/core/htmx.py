"""Pages that htmx updates in place: the same view answers a whole page to a normal request and only the
changed part (a partial template) to htmx's own requests.

htmx marks its requests with ``HX-Request: true``; when it restores a page from history that it no longer
has in its cache it also sends ``HX-History-Restore-Request: true`` and then needs the whole page. Answers
vary by that header, so a cache never serves a partial for a page or the other way round.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
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


# The header htmx sends (``hx-headers`` in ``partials/field.html``) naming the field a person just left.
VALIDATE_FIELD_HEADER = "HX-Validate-Field"


def inline_field_check(
    request: HttpRequest,
    form: forms.BaseForm,
    checks: Mapping[str, Callable[[Any], object]] | None = None,
) -> HttpResponse | None:
    """Answer htmx's check of one field as it is left: that field again, with its errors; nothing is saved.

    Pages opt in by putting ``inline_validation`` in their context; their view calls this before acting
    on a POST and returns its answer when there is one. The form's own validation runs, then the
    server-side check ``checks[name]`` (the same read-only function the service uses) when the field is
    otherwise valid. Returns ``None`` for every other request, which the view then handles as before.
    """
    name = request.headers.get(VALIDATE_FIELD_HEADER, "")
    if request.method != "POST" or not is_htmx(request) or name not in form.fields:
        return None
    form.is_valid()
    check = (checks or {}).get(name)
    if check is not None and name not in form.errors:
        try:
            check(form.cleaned_data[name])
        except ValidationError as exc:
            form.add_error(None if hasattr(exc, "error_dict") else name, exc)
    response = render(request, "partials/field.html", {"field": form[name], "inline_validation": True})
    patch_vary_headers(response, ("HX-Request",))
    return response

"""Request checks that apply to every page before any view runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

NUL = "\x00"


class RefuseNulInQueryMiddleware:
    """Answer 400 to a page request whose query string holds a NUL character.

    Pages pass query parameters to database filters; PostgreSQL cannot store or compare text containing
    NUL and raises an error, which would otherwise surface as a server error. Form fields already refuse
    NUL (Django's form fields validate it), and the JSON API answers 422 for it, so only page query
    strings are checked here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("QUERY_STRING") and not request.path.startswith("/api/") and _has_nul(request):
            return render(request, "400.html", {"reason": "查询参数含有无效字符，请检查后重试。"}, status=400)
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists())

"""Request checks that apply to every page before any view runs."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
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


class RefuseOversizedBodyMiddleware:
    """Answer 413 to a request whose declared body is larger than ``VOUCHER_REQUEST_MAX_BYTES``.

    The check reads only the ``Content-Length`` header, before any view, form or upload handler reads the
    body, so an oversized upload is refused without receiving it. (A body without a length is read by
    Django as empty.) The limit is the largest upload plus room for the form's other fields; bodies that
    are not files are limited further by ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.VOUCHER_REQUEST_MAX_BYTES
        if length <= limit:
            return self.get_response(request)
        message = f"提交的内容超过 {limit // (1024 * 1024)} MB 上限，请减小文件后重试。"
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "request_too_large", "message": message, "fields": {}}, status=413)
        return render(request, "413.html", {"reason": message}, status=413)

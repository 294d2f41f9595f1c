"""Request checks that apply to every page before any view runs."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

NUL = "\x00"
FORM_TOKEN_FIELD = "form_token"  # noqa: S105 (a field name, not a secret)
# A token is remembered for a day: longer than anyone keeps a form open before submitting it again.
FORM_TOKEN_SECONDS = 24 * 3600


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


class OneTimeFormTokenMiddleware:
    """Act on each submitted form once: a second request with the same ``form_token`` is not processed.

    Every page form carries a fresh token (``{% form_token %}``). The first request with a token claims
    it in the shared cache (an atomic ``add``, so two requests of one double click cannot both win); the
    second is sent back to the page it came from with a notice. A refused submission (the form shown
    again with its errors, or an error status) releases the token, so it can be corrected and sent again.
    Requests without a token (the JSON API, scripts) are not affected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request.POST.get(FORM_TOKEN_FIELD, "") if request.method == "POST" else ""
        if not token or request.path.startswith("/api/"):
            return self.get_response(request)
        key = f"form-token:{token[:64]}"
        if not cache.add(key, "1", FORM_TOKEN_SECONDS):
            messages.info(request, "该表单已提交过，不会重复处理。请查看下方的最新状态。")
            back = request.META.get("HTTP_REFERER", "")
            safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
            return HttpResponseRedirect(back if safe else request.path, status=303)
        response = self.get_response(request)
        if not 300 <= response.status_code < 400:
            cache.delete(key)
        return response


API_PREFIX = "/api/"


class PagesOnlyMixin:
    """For middleware that serves pages only (flash messages, the language chosen for a page): JSON API
    requests go straight on and do not pay for it. Mixed into a subclass of the middleware, so checks that
    look for the middleware (the admin site's) still find it."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)  # type: ignore[attr-defined]
        return super().__call__(request)  # type: ignore[misc]


class PageMessagesMiddleware(PagesOnlyMixin, MessageMiddleware):
    """Django's flash messages, for pages (the API answers with its own JSON)."""


class PageLocaleMiddleware(PagesOnlyMixin, LocaleMiddleware):
    """Django's language selection, for pages; the API answers in the default language (简体中文)."""

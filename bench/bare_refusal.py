"""The framework's floor for a sold-out refusal, for bench/voucher_grab.py.

A bare Django view at the order endpoint that reads the session and the logged-in user exactly as the
platform does (the benchmark's settings: sessions and users from Redis, the platform's login backend) and
answers the same 422 ``sold_out`` refusal: only the session and authentication middleware, no rate limit,
no sold-out flag, no idempotency read, no API framework. Served with the same set-up as the platform, its
server CPU per request is what any Django view that knows who is asking costs on the machine, to read the
platform's sold-out refusal against, beside ``/healthz`` (which reads nothing).
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

import django
from django.conf import settings

django.setup()
settings.MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
settings.ROOT_URLCONF = __name__

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connections  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402


@csrf_exempt
def refusal(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"code": "not_authenticated", "message": "请先登录。", "fields": {}}, status=401)
    message = "“压测产品”的服务券已领完。"
    return JsonResponse(
        {"code": "sold_out", "message": message, "fields": {"__all__": [message]}}, status=422
    )


urlpatterns = [path("api/v1/orders/", refusal)]
application = get_wsgi_application()
connections.close_all()  # no database connection may be inherited by forked workers

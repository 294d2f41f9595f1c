"""Public home page, the role workbench and the notification inbox."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from voucher.core.frontpage import front_page_context
from voucher.core.models import Notification
from voucher.core.notifications import notification_mark_all_read, notification_mark_read
from voucher.core.workbench import build_workbench

logger = logging.getLogger(__name__)


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Shown when a rate limit refuses a request (HTTP 429)."""
    return render(request, "429.html", status=429)


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers: answers without touching the database."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness probe: the database and the cache each answer; 503 naming the parts that do not.

    For deployment checks and monitoring. The platform keeps working without the cache (sessions and
    orders fall back to the database), so load balancers keep probing :func:`healthz`.
    """
    failing = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("readiness: database unavailable")
        failing.append("database")
    try:
        caches["default"].get("readyz")
    except Exception:
        logger.exception("readiness: cache unavailable")
        failing.append("cache")
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "ok"})


def home(request: HttpRequest) -> HttpResponse:
    """The public front page: what the programme is, its directions and key dates."""
    return render(request, "core/home.html", front_page_context())


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """工作台: the cards of what awaits this user in their role."""
    return render(request, "core/workbench.html", {"cards": build_workbench(request.user)})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, 20 a page."""
    items = Notification.objects.filter(recipient_id=request.user.pk)
    if request.GET.get("unread") == "1":
        items = items.filter(read_at__isnull=True)
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page, "only_unread": request.GET.get("unread") == "1"})


@login_required
@require_POST
def inbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and follow its link."""
    item = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(actor=request.user, notification=item)
    return redirect(item.url or "core:inbox")


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    notification_mark_all_read(actor=request.user)
    return redirect("core:inbox")

"""Values every page needs: the user's unread count and the navigation for their role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from voucher.core.models import Notification
from voucher.core.navigation import nav_groups, nav_items, tab_bar


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    unread = 0
    nav: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        nav = nav_items(user)
    else:
        nav = [("服务产品目录", reverse("catalogue:list")), ("产品公示", reverse("reviews:public_notices"))]
    return {
        "platform_name": "北京市中小企业服务券平台",
        "unread_notifications": unread,
        "nav_items": nav,
        "nav_groups": nav_groups(nav),
        "site_tabs": tab_bar(user),
    }

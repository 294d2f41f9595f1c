"""Navigation of the background-work pages: the Bureau reaches the backups page from the menu."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from voucher.core.navigation import register_nav
from voucher.tasks.permissions import can_manage_backups


@register_nav
def backups_nav(user: Any) -> list[tuple[str, str]]:
    return [("数据备份", reverse("tasks:backups"))] if can_manage_backups(user) else []

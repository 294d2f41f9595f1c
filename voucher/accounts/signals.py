"""Keep the programme-officer group's permissions in step with the installed models."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

ADMIN_GROUP = "programme_admins"
ADMIN_APPS = ["core", "accounts", "programmes"]


def sync_admin_group(**_: Any) -> None:
    group, _created = Group.objects.get_or_create(name=ADMIN_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))

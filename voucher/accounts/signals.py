"""Keep the programme-officer group's permissions in step with the installed models."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission

ADMIN_GROUP = "programme_admins"


def sync_admin_group(**_: Any) -> None:
    """The Bureau's officers may use the admin site for every model of the platform's own apps."""
    labels = [config.label for config in apps.get_app_configs() if config.name.startswith("voucher.")]
    group, _created = Group.objects.get_or_create(name=ADMIN_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=labels))

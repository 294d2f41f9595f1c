"""In-platform inbox plus pluggable outside senders (SPEC N1).

Services call :func:`notify` inside their transaction: the inbox rows are part of the change, and the
outside senders (e-mail now, an SMS gateway later) run only after the transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from voucher.core import clock
from voucher.core.models import Notification

logger = logging.getLogger(__name__)


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
) -> list[Notification]:
    """Put a notification in each recipient's inbox and send it outside after commit.

    With a ``dedupe_key`` a recipient gets the notification only once (e.g. "acceptance due soon").
    """
    users = list({u.pk: u for u in recipients}.values())
    if dedupe_key and users:
        already = set(
            Notification.objects.filter(recipient__in=users, dedupe_key=dedupe_key).values_list(
                "recipient_id", flat=True
            )
        )
        users = [user for user in users if user.pk not in already]
    now = clock.now()
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                title=title,
                body=body,
                url=url,
                created_at=now,
                dedupe_key=dedupe_key,
            )
            for user in users
        ]
    )
    if created:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: dispatch(ids))
    return created


def configured_senders() -> list[Any]:
    """The configured outside senders (``VOUCHER_NOTIFICATION_SENDERS``).

    Not named ``senders``: importing the ``senders`` submodule would rebind that package attribute.
    A sender that cannot be loaded is logged and skipped, like one that fails to send.
    """
    found = []
    for path in settings.VOUCHER_NOTIFICATION_SENDERS:
        try:
            found.append(import_string(path)())
        except Exception:
            logger.exception("notification sender %s could not be loaded", path)
    return found


def dispatch(notification_ids: list[int]) -> None:
    """Hand committed notifications to every sender; a failing sender is logged, never raised."""
    outside = configured_senders()
    if not outside:
        return
    items = list(Notification.objects.filter(pk__in=notification_ids).select_related("recipient"))
    for sender in outside:
        for item in items:
            try:
                sender.send(item)
            except Exception:
                logger.exception("notification sender %s failed for %s", type(sender).__name__, item.pk)


def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications as read (idempotent)."""
    if notification.recipient_id != actor.pk:
        raise PermissionError("只能标记自己的通知。")
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of the actor as read; returns how many changed."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=clock.now())

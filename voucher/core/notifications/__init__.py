"""In-platform inbox plus outside deliveries with retries (SPEC N1).

Services call :func:`notify` inside their transaction: the inbox rows and one :class:`Delivery` row per
outside channel the recipient can be reached on and has not switched off are part of the change. After
commit each delivery is handed to a worker by the publisher the task engine installs
(:func:`install_delivery_publisher`, called in ``voucher.tasks``' ``AppConfig.ready``); a failed attempt is
retried with exponential back-off and the row records its state, attempts and last error (transactional
outbox).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.module_loading import import_string

from voucher.core import clock
from voucher.core.choices import Channel, DeliveryStatus
from voucher.core.models import Delivery, Notification, NotificationPreference, PendingNotice
from voucher.core.notifications.kinds import KNOWN, MANDATORY, is_mandatory
from voucher.core.permissions import roles_with

logger = logging.getLogger(__name__)

# A claimed attempt that has not finished after this long (a worker died mid-send) may be taken again.
ATTEMPT_LEASE = dt.timedelta(minutes=5)

# Hands one delivery (its id, and a delay in seconds or None) to a worker; installed by the task engine.
Publisher = Callable[[int, float | None], object]
_publishers: list[Publisher] = []


# Hands one pending notice (its id) to a worker; installed by the task engine.
NoticePublisher = Callable[[int], object]
_notice_publishers: list[NoticePublisher] = []


def install_delivery_publisher(publisher: Publisher) -> None:
    """Make ``publisher`` the way deliveries reach the workers (the last one installed wins)."""
    _publishers[:] = [publisher]


def install_notice_publisher(publisher: NoticePublisher) -> None:
    """Make ``publisher`` the way pending notices reach the workers (the last one installed wins)."""
    _notice_publishers[:] = [publisher]


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
) -> list[Notification]:
    """Put a notification in each recipient's inbox and queue its outside deliveries for after commit.

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
    deliveries = _deliveries_create(created, now) if created else []
    if deliveries:
        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: deliveries_publish(ids))
    return created


def notify_members_later(
    *, organisation_id: int, capability: str, kind: str, title: str, body: str = "", url: str = ""
) -> PendingNotice:
    """Notify the active members of an organisation whose role holds ``capability`` (e.g.
    ``"party.provider"``) after the caller's transaction commits.

    Writes one :class:`~voucher.core.models.PendingNotice` row in the caller's transaction (nothing else is
    read or written there) and hands it to a worker after commit (:func:`notice_dispatch`); a row whose
    hand-over was lost is published again by the outbox sweep (:func:`notices_redispatch`).
    """
    notice = PendingNotice.objects.create(
        organisation_id=organisation_id,
        capability=capability,
        kind=kind,
        title=title,
        body=body,
        url=url,
        created_at=clock.now(),
    )
    transaction.on_commit(lambda: notices_publish([notice.pk]))
    return notice


def notices_publish(notice_ids: list[int]) -> None:
    """Hand pending notices to the workers; a broker that cannot be reached is logged, the outbox retries."""
    for notice_id in notice_ids:
        try:
            _notice_publishers[0](notice_id)
        except Exception:
            logger.exception("notice %s could not be published; the outbox will publish it again", notice_id)


def notice_dispatch(notice_id: int) -> int:
    """Turn a pending notice into its recipients' notifications (:func:`notify`), exactly once.

    The row is locked (skipped if another worker holds it) and marked sent in the same transaction as the
    notifications, so two workers with the same message, or a redelivered one, notify once. Returns how
    many notifications were written.
    """
    with transaction.atomic():
        notice = PendingNotice.objects.select_for_update(skip_locked=True).filter(pk=notice_id).first()
        if notice is None or notice.sent_at is not None:
            return 0
        recipients = get_user_model().objects.filter(
            organisation_id=notice.organisation_id, role__in=roles_with(notice.capability), is_active=True
        )
        created = notify(
            recipients=recipients, kind=notice.kind, title=notice.title, body=notice.body, url=notice.url
        )
        notice.sent_at = clock.now()
        notice.save(update_fields=["sent_at"])
    return len(created)


def notices_redispatch() -> int:
    """Publish again every notice still unsent a few minutes after it was written; returns how many."""
    stale = clock.now() - dt.timedelta(seconds=settings.VOUCHER_OUTBOX_STALE_SECONDS)
    ids = list(
        PendingNotice.objects.filter(sent_at__isnull=True, created_at__lte=stale)
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
    notices_publish(ids)
    return len(ids)


def configured_senders() -> list[tuple[str, Any]]:
    """The configured outside senders (``VOUCHER_NOTIFICATION_SENDERS``) as ``(path, sender)``.

    Not named ``senders``: importing the ``senders`` submodule would rebind that package attribute.
    A sender that cannot be loaded is logged and skipped.
    """
    found = []
    for path in settings.VOUCHER_NOTIFICATION_SENDERS:
        try:
            found.append((path, import_string(path)()))
        except Exception:
            logger.exception("notification sender %s could not be loaded", path)
    return found


def sender_channel(sender: Any) -> str:
    return str(getattr(sender, "channel", "email"))


def _address(sender: Any, user: Any) -> str:
    address = getattr(sender, "address", None)
    return str(address(user)) if address else str(user.get_username())


def _deliveries_create(created: list[Notification], now: dt.datetime) -> list[Delivery]:
    """One pending delivery per notification and sender, unless the recipient cannot be reached there or
    switched that kind off on that channel (deadline and decision notices cannot be switched off)."""
    outside = configured_senders()
    if not outside:
        return []
    kind = created[0].kind
    muted: set[tuple[int, str]] = set()
    if not is_mandatory(kind):
        muted = set(
            NotificationPreference.objects.filter(
                user_id__in=[n.recipient_id for n in created], kind=kind, enabled=False
            ).values_list("user_id", "channel")
        )
    # The recipients in one read (their addresses), not one read per notification.
    recipients = get_user_model().objects.in_bulk({n.recipient_id for n in created})
    rows = []
    for notification in created:
        for path, sender in outside:
            channel = sender_channel(sender)
            address = _address(sender, recipients[notification.recipient_id])
            if not address or (notification.recipient_id, channel) in muted:
                continue
            rows.append(
                Delivery(
                    notification=notification,
                    channel=channel,
                    sender=path,
                    address=address[:254],
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    return Delivery.objects.bulk_create(rows)


def deliveries_publish(delivery_ids: list[int], *, countdown: float | None = None) -> None:
    """Hand deliveries to the workers; a broker that cannot be reached is logged, the outbox retries."""
    for delivery_id in delivery_ids:
        try:
            _publishers[0](delivery_id, countdown)
        except Exception:
            logger.exception(
                "delivery %s could not be published; the outbox will publish it again", delivery_id
            )


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential back-off: the first retry after ``VOUCHER_DELIVERY_RETRY_SECONDS``, then doubling."""
    return dt.timedelta(seconds=settings.VOUCHER_DELIVERY_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def delivery_attempt(delivery_id: int) -> str:
    """Try one delivery once; returns its status afterwards. Idempotent and safe on several workers.

    The attempt is claimed with a conditional UPDATE (pending and due), so of two workers holding the
    same message only one sends; a message that arrives before the delivery is due does nothing. On
    failure the row records the error and the next attempt time (doubling), or becomes failed after
    ``VOUCHER_DELIVERY_MAX_ATTEMPTS``.
    """
    now = clock.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + ATTEMPT_LEASE)
    if not claimed:
        return str(Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first() or "")
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    try:
        import_string(delivery.sender)().send(delivery.notification)
    except Exception as exc:
        logger.exception("notification sender %s failed for delivery %s", delivery.sender, delivery_id)
        final = delivery.attempts >= settings.VOUCHER_DELIVERY_MAX_ATTEMPTS
        delay = retry_delay(delivery.attempts)
        Delivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=clock.now() + delay,
        )
        if final:
            return DeliveryStatus.FAILED
        deliveries_publish([delivery_id], countdown=delay.total_seconds())
        return DeliveryStatus.PENDING
    Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SENT, sent_at=clock.now())
    return DeliveryStatus.SENT


def deliveries_redispatch() -> int:
    """Publish again every delivery still pending a few minutes after it was due (lost message, broker
    down at commit, worker killed mid-send); returns how many."""
    stale = clock.now() - dt.timedelta(seconds=settings.VOUCHER_OUTBOX_STALE_SECONDS)
    ids = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=stale)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:1000]
    )
    deliveries_publish(ids)
    return len(ids)


@transaction.atomic
def preference_set(*, actor: Any, kind: str, channel: str, enabled: bool) -> NotificationPreference:
    """Switch one kind of notification on one channel on or off for the actor."""
    if channel not in Channel.values:
        raise ValidationError("没有这个通知渠道。", code="unknown_channel")
    if not enabled and is_mandatory(kind):
        raise ValidationError("期限提醒和审核结果通知不能关闭。", code="mandatory_kind")
    preference, _ = NotificationPreference.objects.update_or_create(
        user=actor, kind=kind, channel=channel, defaults={"enabled": enabled}
    )
    return preference


def muted_pairs(user: Any) -> set[tuple[str, str]]:
    """``(kind, channel)`` pairs the user switched off."""
    return set(NotificationPreference.objects.filter(user=user, enabled=False).values_list("kind", "channel"))


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


@transaction.atomic
def preferences_save(*, actor: Any, receive: set[tuple[str, str]], channels: list[str]) -> int:
    """Save the preference page: every known kind that may be switched off is received on a channel
    exactly when ``(kind, channel)`` is in ``receive``. Returns how many choices changed."""
    current = muted_pairs(actor)
    changed = 0
    for kind in sorted(KNOWN - MANDATORY):
        for channel in channels:
            enabled = (kind, channel) in receive
            if enabled == ((kind, channel) not in current):
                continue
            preference_set(actor=actor, kind=kind, channel=channel, enabled=enabled)
            changed += 1
    return changed

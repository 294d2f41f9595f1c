"""Outside channels for notifications. Add an SMS gateway by writing a class with ``send()``."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail

from voucher.core.models import Notification

logger = logging.getLogger(__name__)


class ConsoleSender:
    """Writes each notification to the log (development)."""

    def send(self, notification: Notification) -> None:
        logger.info("通知 → %s：%s", notification.recipient.get_username(), notification.title)


class EmailSender:
    """E-mails the recipient when they have an address (Django's configured e-mail backend)."""

    def send(self, notification: Notification) -> None:
        email = notification.recipient.email
        if not email:
            return
        send_mail(
            subject=f"[服务券平台] {notification.title}",
            message=notification.body or notification.title,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )

"""Outside channels for notifications. A sender has a ``channel``, ``address(user)`` and ``send()``.

``address`` returns "" when the user cannot be reached on that channel (no e-mail, no mobile number);
``send`` raises on failure, and the delivery is retried with back-off.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from voucher.core.models import Notification
from voucher.core.notifications.sms import sms_gateway

logger = logging.getLogger(__name__)


class ConsoleSender:
    """Writes each notification to the log (development)."""

    channel = "email"

    def address(self, user: Any) -> str:
        return str(user.get_username())

    def send(self, notification: Notification) -> None:
        logger.info("通知 → %s：%s", notification.recipient.get_username(), notification.title)


class EmailSender:
    """E-mails the recipient when they have an address (Django's configured e-mail backend)."""

    channel = "email"

    def address(self, user: Any) -> str:
        return str(user.email or "")

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


class SmsSender:
    """Texts the recipient's mobile number through the configured SMS gateway."""

    channel = "sms"

    def address(self, user: Any) -> str:
        return str(getattr(user, "mobile", "") or "")

    def send(self, notification: Notification) -> None:
        mobile = self.address(notification.recipient)
        if not mobile:
            return
        sms_gateway().send(mobile, f"【服务券平台】{notification.title}")

"""SMS gateways: the interface the SMS channel sends through, and a console gateway for development.

A city plugs in its operator's gateway by writing a class with ``send(mobile, text)`` that raises on
failure, and naming it in ``VOUCHER_SMS_GATEWAY``.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsGateway(Protocol):
    def send(self, mobile: str, text: str) -> None:
        """Send ``text`` to ``mobile``; raise on any failure so the delivery is retried."""


class ConsoleSmsGateway:
    """Writes each message to the log instead of sending it."""

    def send(self, mobile: str, text: str) -> None:
        logger.info("短信 → %s：%s", mobile, text)


def sms_gateway() -> SmsGateway:
    """The configured gateway (``VOUCHER_SMS_GATEWAY``)."""
    gateway: SmsGateway = import_string(settings.VOUCHER_SMS_GATEWAY)()
    return gateway

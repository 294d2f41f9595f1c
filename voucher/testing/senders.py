"""Notification senders for tests: one records what it sends, one fails a set number of times first."""

from __future__ import annotations

from typing import Any, ClassVar


class RecordingSender:
    channel = "email"
    sent: ClassVar[list[str]] = []

    def address(self, user: Any) -> str:
        return str(user.get_username())

    def send(self, notification: Any) -> None:
        RecordingSender.sent.append(notification.title)


class FlakySender(RecordingSender):
    """Fails the first ``failures`` attempts, then sends."""

    failures: ClassVar[int] = 0

    def send(self, notification: Any) -> None:
        if FlakySender.failures > 0:
            FlakySender.failures -= 1
            raise ConnectionError("邮件服务器无响应")
        super().send(notification)

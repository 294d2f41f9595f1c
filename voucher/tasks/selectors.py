"""Reads for the delivery records (the Bureau's) and the preference page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from voucher.core.notifications import configured_senders, muted_pairs, sender_channel
from voucher.core.notifications.kinds import GROUPS
from voucher.tasks.choices import Channel, DeliveryStatus
from voucher.tasks.models import Delivery
from voucher.tasks.permissions import can_view_deliveries


def deliveries(user: Any, *, status: str = "", channel: str = "") -> QuerySet[Delivery]:
    """Every outside delivery, newest first, for the Bureau (empty for anyone else)."""
    if not can_view_deliveries(user):
        return Delivery.objects.none()
    rows = Delivery.objects.select_related("notification__recipient").order_by("-created_at", "-id")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    if channel in Channel.values:
        rows = rows.filter(channel=channel)
    return rows


def delivery_counts(user: Any) -> dict[str, int]:
    """How many deliveries are in each state."""
    counts = {s: 0 for s in DeliveryStatus.values}
    for row in deliveries(user).order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


@dataclass(frozen=True)
class PreferenceCell:
    channel: str
    label: str
    enabled: bool
    mandatory: bool
    reachable: bool


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    mandatory: bool
    cells: list[PreferenceCell]


def active_channels() -> list[str]:
    """The channels a sender is configured for, in :class:`Channel` order."""
    configured = {sender_channel(sender) for _, sender in configured_senders()}
    return [c for c in Channel.values if c in configured] or list(Channel.values)


def preference_table(user: Any) -> list[tuple[str, list[PreferenceRow]]]:
    """The preference page: every kind in its group, a cell per channel (checked unless switched off)."""
    muted = muted_pairs(user)
    reachable: dict[str, bool] = {"email": bool(user.email), "sms": bool(getattr(user, "mobile", ""))}
    labels = dict(Channel.choices)
    channels = active_channels()
    return [
        (
            group,
            [
                PreferenceRow(
                    kind=k.code,
                    label=k.label,
                    mandatory=k.mandatory,
                    cells=[
                        PreferenceCell(
                            channel=c,
                            label=labels[c],
                            enabled=k.mandatory or (k.code, c) not in muted,
                            mandatory=k.mandatory,
                            reachable=reachable.get(c, True),
                        )
                        for c in channels
                    ],
                )
                for k in kinds
            ],
        )
        for group, kinds in GROUPS.items()
    ]

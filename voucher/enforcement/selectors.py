"""Reads for oversight: is an organisation under a sanction on a given day (SPEC E7, M5)?"""

from __future__ import annotations

import datetime as dt

from voucher.core.permissions import ALLOWED, Decision, deny
from voucher.enforcement.models import Sanction


def sanction_in_force(*, organisation_id: int, on: dt.date) -> Sanction | None:
    """The sanction that bans the organisation on ``on`` (the latest ending one), or ``None``."""
    return (
        Sanction.objects.filter(
            organisation_id=organisation_id, lifted_at__isnull=True, starts_on__lte=on, ends_on__gte=on
        )
        .order_by("-ends_on", "-id")
        .first()
    )


def sanction_refusal(*, organisation_id: int, on: dt.date) -> Decision:
    """``ALLOWED``, or a refusal with code ``sanctioned`` naming the violation and the ban's last day."""
    sanction = sanction_in_force(organisation_id=organisation_id, on=on)
    if sanction is None:
        return ALLOWED
    return deny(sanction.reason, "sanctioned")

"""The standing register every stage asks (``voucher.standing``): sanctions in force (SPEC E7, M5).

Installed in this app's ``AppConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists

from voucher.core.permissions import Decision
from voucher.enforcement.models import Sanction
from voucher.enforcement.selectors import sanction_refusal


class SanctionRegister:
    """A ban is a sanction not lifted whose period covers the day."""

    def refusal(self, *, organisation_id: int, on: dt.date) -> Decision:
        return sanction_refusal(organisation_id=organisation_id, on=on)

    def barred(self, organisation: Any, on: dt.date) -> Exists:
        return Exists(Sanction.objects.in_force(on).filter(organisation_id=organisation))

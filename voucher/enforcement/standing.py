"""The standing register every stage asks (``voucher.standing``): sanctions in force (SPEC E7, M5).

Installed in this app's ``AppConfig.ready``.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from voucher.core.permissions import Decision
from voucher.enforcement.models import Sanction
from voucher.enforcement.selectors import sanction_refusal


class SanctionRegister:
    """A ban is a sanction not lifted whose period covers the day."""

    def refusal(self, *, organisation_id: int, on: dt.date) -> Decision:
        return sanction_refusal(organisation_id=organisation_id, on=on)

    def barred_sql(self, organisation: str) -> str:
        table = connection.ops.quote_name(Sanction._meta.db_table)
        return (
            f"EXISTS (SELECT 1 FROM {table} x WHERE x.organisation_id = {organisation} "  # noqa: S608
            "AND x.lifted_at IS NULL AND x.starts_on <= %(day)s AND x.ends_on >= %(day)s)"
        )

"""Builders for ordering tests and benchmarks: a sanction recorded directly (SPEC M5, E7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from voucher.core import clock
from voucher.enforcement.choices import ViolationKind
from voucher.enforcement.models import Sanction
from voucher.testing.factories import UserFactory


def make_sanction(
    organisation: Any,
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    kind: str = ViolationKind.TRANSFER,
    lifted: bool = False,
) -> Sanction:
    """A sanction row against ``organisation`` running ``starts_on``..``ends_on`` (optionally lifted)."""
    admin: Any = UserFactory(admin=True)
    return Sanction.objects.create(
        organisation=organisation,
        kind=kind,
        facts="转让服务券",
        starts_on=starts_on,
        ends_on=ends_on,
        decided_at=clock.now(),
        decided_by=admin,
        lifted_at=clock.now() if lifted else None,
        lifted_by=admin if lifted else None,
        lift_reason="复核后解除" if lifted else "",
    )

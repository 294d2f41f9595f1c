"""Reads of the programme year."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from voucher.core import clock
from voucher.programmes.choices import YearStatus
from voucher.programmes.models import Direction, ProgrammeYear, Requirement


def programme_current() -> ProgrammeYear | None:
    """The active year covering today, else the latest active year, else the latest year at all."""
    today = clock.today()
    active = ProgrammeYear.objects.filter(status=YearStatus.ACTIVE)
    return active.filter(year=today.year).first() or active.first() or ProgrammeYear.objects.first()


def directions_with_rules(programme: ProgrammeYear) -> QuerySet[Direction]:
    """The year's directions with field, sub-types and requirements in three queries."""
    return (
        Direction.objects.filter(programme=programme)
        .select_related("field")
        .prefetch_related(
            "subtypes", Prefetch("requirements", queryset=Requirement.objects.select_related("subtype"))
        )
        .order_by("number")
    )


def programme_list() -> QuerySet[ProgrammeYear]:
    return ProgrammeYear.objects.order_by("-year")

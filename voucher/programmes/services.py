"""Writes to the programme year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from voucher.core import periods
from voucher.core.audit import audit_record, snapshot
from voucher.programmes import permissions
from voucher.programmes.choices import YearStatus
from voucher.programmes.models import Direction, DirectionSubtype, Field, ProgrammeYear, Requirement
from voucher.programmes.signals import programme_copied

DATE_FIELDS = [f.name for f in ProgrammeYear._meta.concrete_fields if f.get_internal_type() == "DateField"]


def _shift(day: dt.date, years: int) -> dt.date:
    """The same date ``years`` later; 29 February becomes 28 February in a common year."""
    return periods.add_months(day, 12 * years)


@transaction.atomic
def programme_year_copy(*, actor: Any, source: ProgrammeYear, year: int) -> ProgrammeYear:
    """Start ``year`` as a copy of ``source``: every parameter, dates moved by the year difference,
    the same fields, directions, sub-types and requirements. The copy starts as a draft; ``source``
    is not changed.

    Kept whole: one transaction that copies the year's tree parent by parent, read best top to bottom.
    """
    permissions.can_manage_programme(actor).enforce()
    if ProgrammeYear.objects.filter(year=year).exists():
        raise ValidationError({"year": f"{year} 年度已存在，不能重复创建。"})
    offset = year - source.year
    values = {
        f.name: getattr(source, f.name)
        for f in ProgrammeYear._meta.concrete_fields
        if f.name not in {"id", "created_at", "updated_at"}
    }
    values.update({name: _shift(values[name], offset) for name in DATE_FIELDS})
    values.update(
        year=year,
        status=YearStatus.DRAFT,
        title=source.title.replace(str(source.year), str(year)),
    )
    copy = ProgrammeYear.objects.create(**values)
    fields = {}
    for field in source.fields.all():
        fields[field.pk] = Field.objects.create(
            programme=copy, code=field.code, name=field.name, position=field.position
        )
    for direction in source.directions.prefetch_related("subtypes", "requirements"):
        new_direction = Direction.objects.create(
            programme=copy,
            field=fields[direction.field_id],
            number=direction.number,
            code=direction.code,
            name=direction.name,
            description=direction.description,
        )
        subtypes = {
            sub.pk: DirectionSubtype.objects.create(
                direction=new_direction,
                code=sub.code,
                name=sub.name,
                description=sub.description,
                position=sub.position,
            )
            for sub in direction.subtypes.all()
        }
        for req in direction.requirements.all():
            Requirement.objects.create(
                direction=new_direction,
                subtype=subtypes.get(req.subtype_id) if req.subtype_id else None,
                code=req.code,
                kind=req.kind,
                title=req.title,
                description=req.description,
                params=req.params,
            )
    # Year data kept by the stages above (quota tiers, E6) is copied by their receivers.
    programme_copied.send(sender=ProgrammeYear, source=source, copy=copy)
    audit_record(
        actor=actor,
        action="programme.copied",
        obj=copy,
        after=snapshot(copy),
        note=f"复制自 {source.year} 年度",
    )
    return copy


@transaction.atomic
def programme_year_update(*, actor: Any, programme: ProgrammeYear, **changes: Any) -> ProgrammeYear:
    """Change parameters of a year; validates the whole record and logs before → after."""
    permissions.can_manage_programme(actor).enforce()
    locked = ProgrammeYear.objects.select_for_update().get(pk=programme.pk)
    before = snapshot(locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    audit_record(actor=actor, action="programme.updated", obj=locked, before=before, after=snapshot(locked))
    return locked

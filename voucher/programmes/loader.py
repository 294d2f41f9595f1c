"""Build a programme year from plain data (used by the 2025 data migration and by tests)."""

from __future__ import annotations

from typing import Any

from voucher.programmes import guide_2025


def load_programme(
    models: Any, year: dict[str, Any], fields: list[dict[str, Any]], directions: list[dict[str, Any]]
) -> Any:
    """Create the year, its fields, directions, sub-types and requirements.

    ``models`` maps names to model classes, so a migration can pass its historical models.
    """
    # A migration passes historical models: parameters added by later migrations get their defaults there.
    known = {f.name for f in models.ProgrammeYear._meta.concrete_fields}
    programme = models.ProgrammeYear.objects.create(**{k: v for k, v in year.items() if k in known})
    field_by_code = {f["code"]: models.Field.objects.create(programme=programme, **f) for f in fields}
    for spec in directions:
        direction = models.Direction.objects.create(
            programme=programme,
            field=field_by_code[spec["field"]],
            number=spec["number"],
            code=spec["code"],
            name=spec["name"],
            description=spec["description"],
        )
        subtypes = {}
        for position, sub in enumerate(spec.get("subtypes", []), start=1):
            subtypes[sub["code"]] = models.DirectionSubtype.objects.create(
                direction=direction, position=position, **sub
            )
        for req in spec.get("requirements", []):
            req = dict(req)
            subtype_code = req.pop("subtype", None)
            models.Requirement.objects.create(
                direction=direction, subtype=subtypes[subtype_code] if subtype_code else None, **req
            )
    return programme


def load_guide_2025(models: Any) -> Any:
    """The 2025 year exactly as the guide states it."""
    return load_programme(models, guide_2025.YEAR, guide_2025.FIELDS, guide_2025.DIRECTIONS)

"""Reading the direction rules (K1–K6) from the programme's Requirement rows — never literals in code."""

from __future__ import annotations

from voucher.programmes.choices import RequirementKind
from voucher.programmes.models import Direction, DirectionSubtype, ProgrammeYear, Requirement


def product_lines(direction: Direction) -> list[tuple[str, str]]:
    """The product lines a direction distinguishes (e.g. 芯片测试/芯片认证, 咨询/认证), from the params."""
    lines: dict[str, str] = {}
    for requirement in direction.requirements.all():
        params = requirement.params or {}
        line = params.get("product_line")
        if isinstance(line, dict) and line.get("code"):
            lines.setdefault(str(line["code"]), str(line.get("name") or line["code"]))
        for item in (
            params.get("lines", []) if requirement.kind == RequirementKind.EXCLUSIVE_PRODUCT_LINES else []
        ):
            if isinstance(item, dict) and item.get("code"):
                lines.setdefault(str(item["code"]), str(item.get("name") or item["code"]))
    return list(lines.items())


def applicable_requirements(
    direction: Direction, subtype: DirectionSubtype | None, product_line: str
) -> list[Requirement]:
    """The requirements that apply to a product: its direction's, narrowed by sub-type and product line."""
    result = []
    for requirement in direction.requirements.all():
        if requirement.subtype_id and (subtype is None or requirement.subtype_id != subtype.pk):
            continue
        line = (requirement.params or {}).get("product_line")
        if isinstance(line, dict) and line.get("code") and line["code"] != product_line:
            continue
        result.append(requirement)
    return result


def qualification_options(programme: ProgrammeYear) -> list[tuple[str, str]]:
    """Every qualification any direction of the year asks for (K2a, K3, K5, K6a), for the dossier form."""
    options: dict[str, str] = {}
    requirements = Requirement.objects.filter(
        direction__programme=programme, kind=RequirementKind.PROVIDER_QUALIFICATION
    ).order_by("direction__number", "code")
    for requirement in requirements:
        for item in (requirement.params or {}).get("any_of", []):
            if isinstance(item, dict) and item.get("code"):
                options.setdefault(str(item["code"]), str(item.get("name") or item["code"]))
    return list(options.items())


def excluded_types(direction: Direction, subtype: DirectionSubtype | None) -> list[str]:
    """Product types the guide excludes for this direction/sub-type (K2b)."""
    types: list[str] = []
    for requirement in applicable_requirements(direction, subtype, ""):
        if requirement.kind == RequirementKind.EXCLUDED_PRODUCT_TYPES:
            types.extend(str(t) for t in (requirement.params or {}).get("types", []))
    return types


def exclusive_lines(direction: Direction) -> list[str]:
    """Product-line codes one provider may not combine within this direction in one year (K6b)."""
    codes: list[str] = []
    for requirement in direction.requirements.all():
        if requirement.kind == RequirementKind.EXCLUSIVE_PRODUCT_LINES:
            codes.extend(
                i["code"] for i in (requirement.params or {}).get("lines", []) if isinstance(i, dict)
            )
    return codes


def requires_cac_filing(direction: Direction | None) -> bool:
    """K1: the direction's rules ask for a CAC filing (大模型应用)."""
    if direction is None:
        return False
    return any(r.kind == RequirementKind.CAC_FILING for r in direction.requirements.all())


def needs_qualification(direction: Direction, subtype: DirectionSubtype | None, product_line: str) -> bool:
    return any(
        r.kind == RequirementKind.PROVIDER_QUALIFICATION
        for r in applicable_requirements(direction, subtype, product_line)
    )

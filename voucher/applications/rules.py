"""Reading the direction rules (K1–K6) from the programme's Requirement rows — never literals in code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class SoftwareCategories:
    """K2b as data: the software categories a provider picks from, those the guide excludes (with their
    screening words and the guide's reason), and the code of "其他" that needs a description."""

    allowed: dict[str, str]
    excluded: dict[str, str]
    keywords: dict[str, list[str]]
    reason: str
    other: str

    def name(self, code: str) -> str:
        return self.allowed.get(code) or self.excluded.get(code) or code

    def code_of(self, value: str) -> str:
        """The category code for a stored value: its code, or its name as typed in the Excel form."""
        value = (value or "").strip()
        for table in (self.allowed, self.excluded):
            for code, name in table.items():
                if value in (code, name):
                    return code
        return value

    def screen(self, texts: Mapping[str, str]) -> list[str]:
        """Each excluded kind whose words occur in one of ``texts`` (label → text), as a sentence."""
        hits = []
        for code, words in self.keywords.items():
            for label, text in texts.items():
                found = [w for w in words if w and w in (text or "")]
                if found:
                    hits.append(f"{label}含“{'、'.join(found)}”（{self.excluded.get(code, code)}）")
        return hits


def _pairs(items: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        if isinstance(item, dict) and item.get("code"):
            out[str(item["code"])] = str(item.get("name") or item["code"])
        elif isinstance(item, str) and item:
            out[item] = item
    return out


def software_categories(direction: Direction, subtype: DirectionSubtype | None) -> SoftwareCategories | None:
    """The controlled software-category list of this direction/sub-type (K2b), or ``None`` when it has none.
    The lists live in the year's Requirement params: ``categories``, ``excluded`` (each ``{code, name,
    keywords}``), ``other`` and ``reason``."""
    for requirement in applicable_requirements(direction, subtype, ""):
        if requirement.kind != RequirementKind.EXCLUDED_PRODUCT_TYPES:
            continue
        params = requirement.params or {}
        excluded_items = params.get("excluded") or params.get("types") or []
        return SoftwareCategories(
            allowed=_pairs(params.get("categories")),
            excluded=_pairs(excluded_items),
            keywords={
                str(i["code"]): [str(w) for w in i.get("keywords", [])]
                for i in excluded_items
                if isinstance(i, dict) and i.get("code")
            },
            reason=str(params.get("reason") or requirement.description),
            other=str(params.get("other") or ""),
        )
    return None


def software_category_choices(programme: ProgrammeYear) -> list[tuple[str, str]]:
    """Every category of the year's K2b lists for the form's select; excluded kinds are listed (and
    refused when chosen, with the guide's reason) so that a provider finds its product's kind."""
    choices: dict[str, str] = {}
    requirements = Requirement.objects.filter(
        direction__programme=programme, kind=RequirementKind.EXCLUDED_PRODUCT_TYPES
    ).select_related("direction", "subtype")
    for requirement in requirements:
        cats = software_categories(requirement.direction, requirement.subtype)
        if cats is None:
            continue
        choices.update(cats.allowed)
        choices.update({code: f"{name}（指南除外）" for code, name in cats.excluded.items()})
    return list(choices.items())


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

"""Loading the reference tables (GB/T 4754-2017 codes, the SME size standard) into the database.

Used by the data migration with historical models, and by tests. The CSV files in ``data/reference/``
are the source; a new standard version is loaded as a new :class:`SizeStandard` next to the old one.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

STANDARD_CODE = "MIIT-2011-300"
STANDARD_NAME = "中小企业划型标准规定（工信部联企业〔2011〕300号）及统计上大中小微型企业划分办法（2017）"
SIZE_BY_LABEL = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"}
LEVELS = {
    "section(门类)": "section",
    "division(大类)": "division",
    "group(中类)": "group",
    "class(小类)": "class",
}


def _rows(directory: Path, name: str) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def industry_rows(directory: Path) -> list[dict[str, str]]:
    """The whole GB/T 4754-2017 table from ``gbt4754_2017_full.csv``, parents first, as ``code`` (with the
    section letter), ``level``, ``name``, ``parent`` and ``note``. A 中类 with a single 小类 is not listed in
    the table; it is implied by its class and carries the class's name (as in the standard)."""
    out: dict[str, dict[str, str]] = {}
    for row in _rows(directory, "gbt4754_2017_full.csv"):
        level, section = LEVELS[row["level"]], row["section"]
        if level == "section":
            out[section] = {
                "code": section,
                "level": level,
                "name": row["name"],
                "parent": "",
                "note": row["note"],
            }
            continue
        division = section + row["division"]
        parent = section if level == "division" else division
        if level == "class":
            group = section + row["group"]
            if group not in out:
                out[group] = {
                    "code": group,
                    "level": "group",
                    "name": row["name"],
                    "parent": division,
                    "note": "本中类仅含一个小类",
                }
            parent = group
        code = section + row["code"]
        out[code] = {"code": code, "level": level, "name": row["name"], "parent": parent, "note": row["note"]}
    return list(out.values())


def load_industry_codes(IndustryCode: Any, directory: Path) -> int:
    """Create or update every GB/T 4754-2017 code. Existing rows keep their primary key, so declarations
    made on them (e.g. at division level) keep pointing at the same code."""
    by_code: dict[str, Any] = {c.code: c for c in IndustryCode.objects.all()}
    for row in industry_rows(directory):
        parent = by_code[row["parent"]] if row["parent"] else None
        values = {
            "level": row["level"],
            "name": row["name"],
            "parent": parent,
            "section": row["code"][0],
            "note": row["note"],
        }
        code = by_code.get(row["code"])
        if code is None:
            by_code[row["code"]] = IndustryCode.objects.create(code=row["code"], **values)
        elif any(getattr(code, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(code, k, v)
            code.save()
    return len(by_code)


def _wan(value: str) -> Decimal | None:
    return Decimal(value) if value else None


def load_size_standard(models: Any, directory: Path) -> Any:
    """The 16 industry groups, their thresholds and the GB/T 4754-2017 mapping as one standard version."""
    standard = models.SizeStandard.objects.create(
        code=STANDARD_CODE,
        name=STANDARD_NAME,
        source="data/reference/sme_size_thresholds.csv; data/reference/sme_industry_gbt4754_mapping.csv",
        is_current=True,
    )
    rows = _rows(directory, "sme_size_thresholds.csv")
    groups: dict[str, Any] = {}
    for name in dict.fromkeys(r["industry"] for r in rows):
        own = [r for r in rows if r["industry"] == name]

        def used(prefix: str, own: list[dict[str, str]] = own) -> bool:
            suffix = "" if prefix == "employees" else "_wan"
            return any(r[f"{prefix}_min{suffix}"] or r[f"{prefix}_max{suffix}"] for r in own)

        groups[name] = models.SizeIndustryGroup.objects.create(
            standard=standard,
            name=name,
            scope=own[0]["gbt4754_2017_scope"],
            uses_employees=used("employees"),
            uses_revenue=used("revenue"),
            uses_assets=used("assets"),
        )
    for r in rows:
        models.SizeThreshold.objects.create(
            group=groups[r["industry"]],
            size=SIZE_BY_LABEL[r["size"]],
            employees_min=int(r["employees_min"]) if r["employees_min"] else None,
            revenue_min_wan=_wan(r["revenue_min_wan"]),
            assets_min_wan=_wan(r["assets_min_wan"]),
        )
    for r in _rows(directory, "sme_industry_gbt4754_mapping.csv"):
        models.IndustryGroupMapping.objects.create(
            standard=standard,
            code_prefix=r["gbt4754_2017_code"],
            group=groups[r["sme_industry_group"]] if r["include"] == "yes" else None,
            note=f"{r['sme_industry_group']}；{r['basis']}"[:300],
        )
    return standard

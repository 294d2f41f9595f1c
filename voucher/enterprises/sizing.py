"""The SME size classifier (SPEC E3): pure functions over a standard's thresholds.

Rules (sme_size_notes.md): lower bounds are inclusive; a tier is reached only when *every* indicator
the group lists meets that tier's minimum, otherwise the enterprise drops a tier; 微型 is what is left
(any indicator below the 小型 minimum).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from voucher.enterprises.choices import SIZE_ORDER, SizeClass
from voucher.enterprises.models import (
    IndustryCode,
    IndustryGroupMapping,
    SizeIndustryGroup,
    SizeStandard,
    SizeThreshold,
)


@dataclass(frozen=True)
class Figures:
    employees: int
    revenue_wan: Decimal
    assets_wan: Decimal


def meets(threshold: SizeThreshold, figures: Figures) -> bool:
    """Every listed minimum of ``threshold`` is met (``>=``)."""
    checks: list[tuple[Decimal | None, Decimal]] = [
        (
            None if threshold.employees_min is None else Decimal(threshold.employees_min),
            Decimal(figures.employees),
        ),
        (threshold.revenue_min_wan, figures.revenue_wan),
        (threshold.assets_min_wan, figures.assets_wan),
    ]
    return all(value >= minimum for minimum, value in checks if minimum is not None)


def classify(group: SizeIndustryGroup, figures: Figures) -> str:
    """大型/中型/小型/微型 of ``figures`` in ``group``."""
    thresholds = {t.size: t for t in group.thresholds.all()}
    for size in SIZE_ORDER[:-1]:
        threshold = thresholds.get(size)
        if threshold is not None and meets(threshold, figures):
            return size
    return SizeClass.MICRO


@dataclass(frozen=True)
class GroupResolution:
    group: SizeIndustryGroup
    by_programme_rule: bool
    explanation: str


def resolve_group(
    standard: SizeStandard, industry: IndustryCode, uncovered_group_name: str
) -> GroupResolution:
    """The industry group for ``industry``: the longest matching code prefix of the standard's mapping.

    Codes the standard does not cover follow the programme year's rule (``uncovered_group_name``); a code
    too coarse to decide (e.g. G59, whose 591 and 592–599 belong to different groups) is refused.
    """
    mappings = sorted(
        IndustryGroupMapping.objects.filter(standard=standard).select_related("group"),
        key=lambda m: len(m.code_prefix),
        reverse=True,
    )
    for mapping in mappings:
        if industry.code.startswith(mapping.code_prefix):
            if mapping.group is not None:
                return GroupResolution(
                    mapping.group, False, f"{industry} 属于划型行业“{mapping.group.name}”。"
                )
            break
    else:
        finer = sorted(m.code_prefix for m in mappings if m.code_prefix.startswith(industry.code))
        if finer:
            raise ValidationError(
                {
                    "industry_code": f"“{industry}”下各类别适用的划型行业不同，请选择更细的行业代码"
                    f"（如 {'、'.join(finer[:4])}）。"
                }
            )
    group = SizeIndustryGroup.objects.filter(standard=standard, name=uncovered_group_name).first()
    if group is None:
        raise ValidationError(
            {"industry_code": f"年度设置的参照行业“{uncovered_group_name}”不在划型标准中，请联系管理员。"}
        )
    return GroupResolution(
        group,
        True,
        f"{industry} 不在《中小企业划型标准规定》所列行业范围内，按本年度规定参照“{group.name}”的指标划型。",
    )


def describe_thresholds(group: SizeIndustryGroup, size: str) -> str:
    """The minimums of one tier in words, e.g. "从业人员≥1000人且营业收入≥40000万元"."""
    threshold = group.thresholds.filter(size=size).first()
    if threshold is None:
        return ""
    parts = []
    if threshold.employees_min is not None:
        parts.append(f"从业人员≥{threshold.employees_min}人")
    if threshold.revenue_min_wan is not None:
        parts.append(f"营业收入≥{threshold.revenue_min_wan.normalize():f}万元")
    if threshold.assets_min_wan is not None:
        parts.append(f"资产总额≥{threshold.assets_min_wan.normalize():f}万元")
    return "且".join(parts)

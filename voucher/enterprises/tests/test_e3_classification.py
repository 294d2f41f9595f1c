"""E3: size classification for each of the 16 groups at, just below and just above every threshold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from voucher.enterprises.choices import RefusalCode, SizeClass
from voucher.enterprises.models import QuotaAccount, SizeClassification, SizeIndustryGroup, SizeStandard
from voucher.enterprises.sizing import Figures, classify
from voucher.testing.enterprises import classify_small, reference_rows

SIZE = {"大型": SizeClass.LARGE, "中型": SizeClass.MEDIUM, "小型": SizeClass.SMALL, "微型": SizeClass.MICRO}
LOWER = {
    SizeClass.LARGE: SizeClass.MEDIUM,
    SizeClass.MEDIUM: SizeClass.SMALL,
    SizeClass.SMALL: SizeClass.MICRO,
}
COLUMNS = {"employees": "employees_min", "revenue_wan": "revenue_min_wan", "assets_wan": "assets_min_wan"}
STEP = {"employees": 1, "revenue_wan": Decimal("0.01"), "assets_wan": Decimal("0.01")}


def _number(name: str, text: str) -> Any:
    return int(text) if name == "employees" else Decimal(text)


def _cases() -> list[tuple[str, str, str, str, str]]:
    """(group, tier, indicator or "", position, expected) for every listed threshold of the CSV."""
    cases = []
    for row in reference_rows("sme_size_thresholds.csv"):
        tier = SIZE[row["size"]]
        if tier == SizeClass.MICRO:
            continue
        listed = [name for name, column in COLUMNS.items() if row[column]]
        cases.append((row["industry"], tier, "", "at", tier))
        for name in listed:
            cases.append((row["industry"], tier, name, "below", LOWER[tier]))
            cases.append((row["industry"], tier, name, "above", tier))
    return cases


CASES = _cases()


def _figures(group: str, tier: str, indicator: str, position: str) -> Figures:
    row = next(
        r
        for r in reference_rows("sme_size_thresholds.csv")
        if r["industry"] == group and SIZE[r["size"]] == tier
    )
    values: dict[str, Any] = {"employees": 0, "revenue_wan": Decimal("0"), "assets_wan": Decimal("0")}
    for name, column in COLUMNS.items():
        if row[column]:
            values[name] = _number(name, row[column])
    if indicator:
        delta = STEP[indicator] if position == "above" else -STEP[indicator]
        values[indicator] += delta
    return Figures(**values)


def test_e3_sixteen_groups_loaded_with_thresholds(db) -> None:
    standard = SizeStandard.objects.get(is_current=True)
    assert (
        standard.groups.count()
        == 16
        == len({r["industry"] for r in reference_rows("sme_size_thresholds.csv")})
    )
    assert len(CASES) > 16 * 3 * 2


@pytest.mark.parametrize(("group", "tier", "indicator", "position", "expected"), CASES)
def test_e3_threshold_table(db, group: str, tier: str, indicator: str, position: str, expected: str) -> None:
    group_obj = SizeIndustryGroup.objects.prefetch_related("thresholds").get(
        name=group, standard__is_current=True
    )
    assert classify(group_obj, _figures(group, tier, indicator, position)) == expected


def test_e3_max_columns_are_not_caps(db) -> None:
    """工业 1500 人 + 1 亿元营业收入 is 中型, not 大型 (sme_size_notes.md)."""
    group = SizeIndustryGroup.objects.get(name="工业", standard__is_current=True)
    assert classify(group, Figures(1500, Decimal("10000"), Decimal("0"))) == SizeClass.MEDIUM


def test_e3_all_zero_is_micro_in_every_group(db) -> None:
    for group in SizeIndustryGroup.objects.filter(standard__is_current=True):
        assert classify(group, Figures(0, Decimal("0"), Decimal("0"))) == SizeClass.MICRO


def test_e3_large_enterprise_refused_with_reason_and_no_quota(verified_user, programme_2025) -> None:
    record = classify_small(
        verified_user, programme_2025, industry_code="C3411", employees=1200, revenue_wan=Decimal("50000")
    )
    assert record.size == SizeClass.LARGE
    assert not record.eligible
    assert record.refusal_code == RefusalCode.LARGE
    assert "大型企业" in record.reason and "1000" in record.reason and "1200" in record.reason
    assert not QuotaAccount.objects.filter(organisation=verified_user.organisation).exists()


def test_e3_inputs_standard_and_time_stored(verified_user, programme_2025) -> None:
    record = classify_small(verified_user, programme_2025)
    assert (record.employees, record.revenue_wan, record.assets_wan) == (
        45,
        Decimal("3800.00"),
        Decimal("2600.00"),
    )
    assert record.standard.code == "MIIT-2011-300"
    assert record.industry.code == "C1391"
    assert record.industry_group.name == "工业"
    assert record.data_year == 2024
    assert record.classified_at is not None
    assert record.size == SizeClass.SMALL


def test_e3_reclassification_keeps_history(verified_user, programme_2025) -> None:
    first = classify_small(verified_user, programme_2025)
    second = classify_small(verified_user, programme_2025, employees=350, revenue_wan=Decimal("5000"))
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert second.size == SizeClass.MEDIUM
    assert SizeClassification.objects.filter(organisation=verified_user.organisation).count() == 2


def test_e3_uncovered_industry_follows_programme_setting_and_says_so(verified_user, programme_2025) -> None:
    record = classify_small(verified_user, programme_2025, industry_code="P8310", employees=50)
    assert record.group_by_programme_rule
    assert record.industry_group.name == programme_2025.uncovered_industry_group == "其他未列明行业"
    assert "参照" in record.reason
    programme_2025.uncovered_industry_group = "工业"
    programme_2025.save()
    record = classify_small(verified_user, programme_2025, industry_code="J6621", employees=50)
    assert record.industry_group.name == "工业"


def test_e3_code_too_coarse_for_the_mapping_is_refused(verified_user, programme_2025) -> None:
    with pytest.raises(ValidationError) as exc:
        classify_small(verified_user, programme_2025, industry_code="G59")
    assert "industry_code" in exc.value.message_dict
    assert (
        classify_small(verified_user, programme_2025, industry_code="G5910").industry_group.name
        == "交通运输业"
    )
    assert (
        classify_small(verified_user, programme_2025, industry_code="G5920").industry_group.name == "仓储业"
    )
    assert (
        classify_small(verified_user, programme_2025, industry_code="K7020").industry_group.name == "物业管理"
    )


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("employees", {"employees": -1}),
        ("revenue_wan", {"revenue_wan": "-0.01"}),
        ("assets_wan", {"assets_wan": "abc"}),
        ("industry_code", {"industry_code": "Z99"}),
    ],
)
def test_e3_bad_input_is_a_field_error(verified_user, programme_2025, field: str, values: dict) -> None:
    values = {"industry_code": "C1391", **values}
    with pytest.raises(ValidationError) as exc:
        classify_small(verified_user, programme_2025, **values)
    assert field in exc.value.message_dict
    assert not SizeClassification.objects.exists()


def test_e3_classification_needs_authentication(enterprise_user, programme_2025) -> None:
    with pytest.raises(ValidationError) as exc:
        classify_small(enterprise_user, programme_2025)
    assert "企业认证" in exc.value.messages[0]

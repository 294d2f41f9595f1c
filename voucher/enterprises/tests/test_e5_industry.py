"""E5: digital marketing only for C13, C14 and C1515 (a class under C151); GB/T 4754-2017 picker."""

from __future__ import annotations

import pytest

from voucher.enterprises.models import IndustryCode
from voucher.enterprises.selectors import digital_marketing_eligible, industry_search
from voucher.testing.enterprises import reference_rows


@pytest.mark.parametrize(
    ("code", "eligible"),
    [
        ("C1515", True),
        ("C1513", False),
        ("C151", False),
        ("C15", False),
        ("C1519", False),
        ("C13", True),
        ("C1391", True),
        ("C1340", True),
        ("C14", True),
        ("C1499", True),
        ("C16", False),
        ("C", False),
        ("I65", False),
    ],
)
def test_e5_digital_marketing_eligibility(programme_2025, code: str, eligible: bool) -> None:
    decision = digital_marketing_eligible(IndustryCode.objects.get(code=code), programme_2025)
    assert bool(decision) is eligible
    if not eligible:
        assert "C1515" in decision.reason


def test_e5_codes_follow_the_programme_year_rule(programme_2025) -> None:
    from voucher.programmes.models import Requirement

    rule = Requirement.objects.get(direction__programme=programme_2025, kind="enterprise_industry")
    rule.params = {"gbt4754_codes": ["C1513"]}
    rule.save()
    assert digital_marketing_eligible(IndustryCode.objects.get(code="C1513"), programme_2025)
    assert not digital_marketing_eligible(IndustryCode.objects.get(code="C1515"), programme_2025)


def test_e5_table_loaded_with_every_reference_row(db) -> None:
    rows = reference_rows("gbt4754_selected.csv")
    assert set(IndustryCode.objects.values_list("code", flat=True)) >= {r["code_with_section"] for r in rows}
    assert IndustryCode.objects.filter(level="section").count() == 20
    assert IndustryCode.objects.filter(level="division").count() == 97
    c1515 = IndustryCode.objects.get(code="C1515")
    assert (c1515.parent.code, c1515.parent.parent.code, c1515.name) == ("C151", "C15", "葡萄酒制造")


@pytest.mark.parametrize(
    ("query", "expected"), [("葡萄酒", "C1515"), ("c1515", "C1515"), ("1391", "C1391"), ("软件", "I65")]
)
def test_e5_picker_search(db, query: str, expected: str) -> None:
    assert expected in [c.code for c in industry_search(query)]

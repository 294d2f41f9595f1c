"""The whole GB/T 4754-2017 table as project data; the main business declared at the 小类 level (E3, E5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from voucher.enterprises.models import IndustryCode, IndustryGroupMapping, SizeClassification, SizeStandard
from voucher.enterprises.reference import load_industry_codes
from voucher.enterprises.selectors import digital_marketing_eligible, enterprise_eligibility, industry_search
from voucher.enterprises.sizing import resolve_group
from voucher.testing.enterprises import classify_small, reference_rows

REFERENCE = Path(settings.BASE_DIR) / "data" / "reference"


def test_rules_industry_counts_of_the_whole_table(db) -> None:
    counts = {level: IndustryCode.objects.filter(level=level).count() for level in ("section", "division")}
    assert counts == {"section": 20, "division": 97}
    # The official 2017 counts: 473 中类 (199 of them hold a single 小类 and are implied) and 1,381 小类.
    assert IndustryCode.objects.filter(level="group").count() == 473
    assert IndustryCode.objects.filter(level="class").count() == 1381
    rows = reference_rows("gbt4754_2017_full.csv")
    assert {r["section"] + r["class"] for r in rows if r["class"]} == set(
        IndustryCode.objects.filter(level="class").values_list("code", flat=True)
    )


def test_rules_industry_every_code_has_its_parent_and_note(db) -> None:
    software = IndustryCode.objects.select_related("parent__parent__parent").get(code="I6511")
    assert software.name == "基础软件开发" and "操作系统" in software.note
    assert [software.parent.code, software.parent.parent.code, software.parent.parent.parent.code] == [
        "I651",
        "I65",
        "I",
    ]
    for code in IndustryCode.objects.exclude(level="section").select_related("parent"):
        assert code.parent is not None and code.code.startswith(code.parent.code)
    # The longest notes of the standard are kept whole.
    assert max(len(c.note) for c in IndustryCode.objects.all()) > 200
    assert IndustryCode.objects.get(code="C3741").name == "飞机制造"


def test_rules_industry_every_class_maps_to_exactly_one_size_group(db) -> None:
    standard = SizeStandard.objects.get(is_current=True)
    mappings = list(IndustryGroupMapping.objects.filter(standard=standard).select_related("group"))
    outside = []
    for code in IndustryCode.objects.filter(level="class"):
        matches = [m for m in mappings if code.code.startswith(m.code_prefix)]
        assert matches, f"{code} is not covered by the size mapping"
        longest = max(len(m.code_prefix) for m in matches)
        chosen = [m for m in matches if len(m.code_prefix) == longest]
        assert len(chosen) == 1, code
        if chosen[0].group is None:
            outside.append(code.code)
        resolution = resolve_group(standard, code, "其他未列明行业")
        assert resolution.by_programme_rule is (chosen[0].group is None)
        if chosen[0].group is not None:
            assert resolution.group == chosen[0].group
    # Explicitly outside the 300号 groups: 铁路运输, 金融, 房地产租赁经营, 教育, 卫生, 公共管理, 国际组织.
    assert outside and all(c.startswith(("G53", "J", "K7040", "P", "Q84", "S", "T")) for c in outside)
    assert {"G5311", "J6621", "K7040", "P8310", "Q8411", "S9100", "T9700"} <= set(outside)


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("I6511", "软件和信息技术服务业"),
        ("C3741", "工业"),
        ("G5910", "交通运输业"),
        ("G5942", "仓储业"),
        ("K7020", "物业管理"),
        ("M7320", "其他未列明行业"),
    ],
)
def test_rules_industry_group_derives_from_the_class(verified_user, programme_2025, code, group) -> None:
    record = classify_small(verified_user, programme_2025, industry_code=code)
    assert record.industry.code == code and record.industry_group.name == group


@pytest.mark.parametrize(
    ("code", "eligible"), [("C1391", True), ("C1515", True), ("C1513", False), ("I6511", False)]
)
def test_rules_industry_digital_marketing_derives_from_the_class(
    verified_user, programme_2025, code, eligible
) -> None:
    record = classify_small(verified_user, programme_2025, industry_code=code)
    assert bool(digital_marketing_eligible(record.industry, programme_2025)) is eligible


@pytest.mark.parametrize("code", ["I65", "I651", "C", "C13"])
def test_rules_industry_new_declaration_needs_a_class(verified_user, programme_2025, code) -> None:
    with pytest.raises(ValidationError) as exc:
        classify_small(verified_user, programme_2025, industry_code=code)
    assert [e.code for e in exc.value.error_dict["industry_code"]] == ["industry_not_class"]
    assert "小类" in exc.value.message_dict["industry_code"][0]
    assert not SizeClassification.objects.exists()


def test_rules_industry_division_declaration_made_before_keeps_working(verified_user, programme_2025) -> None:
    record = classify_small(verified_user, programme_2025, industry_code="C1391")
    # A declaration recorded before class level was required, on the division C13.
    SizeClassification.objects.filter(pk=record.pk).update(industry=IndustryCode.objects.get(code="C13"))
    load_industry_codes(IndustryCode, REFERENCE)
    record.refresh_from_db()
    assert record.industry.code == "C13" and record.is_current
    assert enterprise_eligibility(organisation=verified_user.organisation, programme=programme_2025)
    assert digital_marketing_eligible(record.industry, programme_2025)


def test_rules_industry_loading_again_changes_nothing(db) -> None:
    before = dict(IndustryCode.objects.values_list("code", "pk"))
    assert load_industry_codes(IndustryCode, REFERENCE) == len(before)
    assert dict(IndustryCode.objects.values_list("code", "pk")) == before


@pytest.mark.parametrize(("query", "expected"), [("软件", "I6511"), ("6511", "I6511"), ("i6511", "I6511")])
def test_rules_industry_picker_search_finds_the_class(db, query, expected) -> None:
    found = [c.code for c in industry_search(query, level="class")]
    assert expected in found and all(len(c) == 5 for c in found)


def test_rules_industry_picker_lists_every_class(verified_user, programme_2025) -> None:
    client = Client()
    client.force_login(verified_user)
    page = client.get(reverse("enterprises:classify")).content.decode()
    assert page.count("<option value=") == 1381
    # The browser shows the code beside the name, so the label names it once.
    assert '<option value="I6511">基础软件开发</option>' in page
    assert '<option value="I65">' not in page


def test_rules_industry_api_search_by_class(db) -> None:
    body = Client().get("/api/v1/enterprises/industries", {"q": "6511", "level": "class"}).json()
    assert [row["code"] for row in body] == ["I6511"]

"""Issue 19: the dashboard's charts as JSON data for ECharts — values, labels, Decimal strings, every chart
on the page, safely embedded."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import json_script

from voucher.dashboards import chart_data, selectors
from voucher.dashboards.selectors import BUCKET_LABELS, BUCKETS, Filters

CHARTS = {
    "field": "chart-field",
    "district": "chart-district",
    "direction": "chart-direction",
    "series": "chart-series",
    "status": "chart-status",
    "age": "chart-age",
    "providers": "chart-providers",
}


@pytest.mark.parametrize(
    ("value", "unit", "sent"),
    [
        (Decimal("1234.5"), "money", "1234.50"),
        (Decimal("0"), "money", "0.00"),
        (Decimal("-300.00"), "money", "-300.00"),
        (Decimal("999999999999.99"), "money", "999999999999.99"),
        (12, "money", "12.00"),
        (7, "count", 7),
    ],
)
def test_design_chart_values_are_decimal_strings_for_money_and_integers_for_counts(value, unit, sent):
    assert chart_data.chart_value(value, unit) == sent


def test_design_bar_chart_spec_keeps_categories_and_series_in_order():
    spec = chart_data.bar_chart(
        chart_id="c1",
        title="服务商排名",
        categories=["甲", "乙"],
        series=[("核定兑付（元）", [Decimal("100"), Decimal("50.5")]), ("合同金额（元）", [0, 1])],
        unit="money",
    )
    assert spec == {
        "id": "c1",
        "kind": "bar",
        "title": "服务商排名",
        "unit": "money",
        "categories": ["甲", "乙"],
        "series": [
            {"name": "核定兑付（元）", "values": ["100.00", "50.50"]},
            {"name": "合同金额（元）", "values": ["0.00", "1.00"]},
        ],
    }


def test_design_line_chart_spec_has_short_axis_labels_and_full_labels():
    spec = chart_data.line_chart(
        chart_id="c2",
        title="时间序列",
        labels=["第1周（01-06 至 01-12）"],
        axis_labels=["01-06"],
        series=[("已预占", [Decimal("5")])],
        unit="money",
    )
    assert (spec["kind"], spec["categories"], spec["axis_labels"]) == (
        "line",
        ["第1周（01-06 至 01-12）"],
        ["01-06"],
    )
    assert spec["series"] == [{"name": "已预占", "values": ["5.00"]}]


def test_design_chart_json_cannot_close_its_script_element():
    spec = chart_data.bar_chart(
        chart_id="c3",
        title="<b>排名</b>",
        categories=["</script><script>alert(1)</script>"],
        series=[("笔数", [1])],
        unit="count",
    )
    html = json_script(spec, "c3")
    assert html.count("</script>") == 1 and "<script>alert" not in html
    body = re.sub(r"^<script[^>]*>|</script>$", "", html)
    assert json.loads(body)["categories"] == ["</script><script>alert(1)</script>"]


def _embedded(html: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no JSON for {element_id}"
    return json.loads(match.group(1))


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_design_every_chart_is_on_the_page_as_json_with_its_box(world, admin_client):
    response = admin_client.get(reverse("dashboards:index"), {"year": 2025})
    html = response.content.decode()
    specs = response.context["charts"]
    assert set(specs) == set(CHARTS)
    for key, chart_id in CHARTS.items():
        assert specs[key]["id"] == chart_id
        assert html.count(f'data-chart="{chart_id}"') == 1
        assert _embedded(html, chart_id) == specs[key]
        assert all(len(s["values"]) == len(specs[key]["categories"]) for s in specs[key]["series"])
    assert "vendor/echarts/echarts.min.js" in html and "vendor/echarts/langZH.js" in html
    assert "dashboards/charts.js" in html
    # The tables stay under the charts, for screen readers and export.
    for key in (
        "budget_field",
        "budget_district",
        "budget_direction",
        "claims_status",
        "claims_age",
        "providers",
    ):
        assert f'id="table-{key}"' in html


def test_design_budget_charts_carry_the_ledger_figures(world, programme_2025):
    figures = selectors.budget(Filters(programme=programme_2025))
    charts = chart_data.budget_charts(figures)
    field = charts["field"]
    shown = [r for r in figures.by_field if not r.empty]
    assert field["categories"] == [r.label for r in shown]
    assert [s["name"] for s in field["series"]] == [BUCKET_LABELS[b] for b in BUCKETS]
    for series, bucket in zip(field["series"], BUCKETS, strict=True):
        assert all(re.fullmatch(r"-?\d+\.\d\d", v) for v in series["values"])
        assert sum(Decimal(v) for v in series["values"]) == getattr(figures.totals, bucket)
    district = charts["district"]
    assert "海淀区" in district["categories"]
    haidian = district["categories"].index("海淀区")
    row = next(r for r in figures.by_district if r.label == "海淀区")
    assert [Decimal(s["values"][haidian]) for s in district["series"]] == row.values()
    series = charts["series"]
    assert series["kind"] == "line" and len(series["categories"]) == 12
    assert series["axis_labels"] == [r.label for r in figures.series]
    last = figures.series[-1]
    assert [Decimal(s["values"][-1]) for s in series["series"]] == last.values()


def test_design_weekly_series_shows_each_weeks_first_day_under_the_axis(world, programme_2025):
    figures = selectors.budget(Filters(programme=programme_2025, period="week"))
    series = chart_data.budget_charts(figures)["series"]
    assert len(series["categories"]) >= 52
    assert all(re.fullmatch(r"\d\d-\d\d", label) for label in series["axis_labels"])


def test_design_claims_and_provider_charts_count_what_the_tables_count(world, programme_2025):
    filters = Filters(programme=programme_2025)
    status_rows = selectors.claims_by_status(filters)
    age_rows = selectors.claims_by_age(filters)
    charts = chart_data.claims_charts(status_rows, age_rows)
    assert charts["status"]["unit"] == "count"
    assert charts["status"]["categories"] == [r.label for r in status_rows]
    assert charts["status"]["series"][0]["values"] == [r.count for r in status_rows]
    assert sum(charts["status"]["series"][0]["values"]) > 0
    age = charts["age"]
    assert [s["name"] for s in age["series"]] == ["待审核", "退回补充材料"]
    assert [a + b for a, b in zip(age["series"][0]["values"], age["series"][1]["values"], strict=True)] == [
        r.count for r in age_rows
    ]
    providers = selectors.provider_ranking(filters, "contract_amount")
    chart = chart_data.providers_chart(providers, "contract_amount")
    assert chart["title"] == "服务商排名（前10名，按合同金额）"
    assert chart["categories"] == [r.name for r in providers[: chart_data.PROVIDERS_IN_CHART]]
    assert chart["series"][1]["values"] == [
        str(r.contract_amount.quantize(Decimal("0.01"))) for r in providers[:10]
    ]

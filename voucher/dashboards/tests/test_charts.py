"""The SVG charts: escaped texts, sizes that follow the data, accessible titles."""

from __future__ import annotations

from decimal import Decimal

import pytest

from voucher.dashboards.charts import bar_chart, line_chart, short_number


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("0"), "0"),
        (Decimal("9999.50"), "9999.50"),
        (Decimal("30000.00"), "3.0万"),
        (Decimal("230000000"), "2.3亿"),
        (Decimal("-1000.00"), "-1000"),
        (12, "12"),
    ],
)
def test_short_number(value, text):
    assert short_number(value) == text


def test_bar_chart_escapes_labels_and_scales_bars():
    svg = bar_chart(
        chart_id="c1",
        title="服务商 <排名>",
        categories=["<script>alert(1)</script>", "乙"],
        series=[("金额", [Decimal("100.00"), Decimal("50.00")])],
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert '<title id="c1-t">服务商 &lt;排名&gt;</title>' in svg
    assert 'aria-labelledby="c1-t c1-d"' in svg
    widths = [float(part.split('"')[0]) for part in svg.split('width="')[1:] if part[0].isdigit()]
    bars = [w for w in widths if w < 400]
    assert bars[0] == pytest.approx(2 * bars[1])


def test_bar_chart_of_zeros_draws_empty_bars():
    svg = bar_chart(chart_id="c2", title="空", categories=["甲"], series=[("a", [0]), ("b", [0])])
    assert 'width="0.0"' in svg


def test_line_chart_draws_one_line_per_series():
    svg = line_chart(
        chart_id="c3",
        title="时间序列",
        labels=["1月", "2月", "3月"],
        series=[("已预占", [0, 10, 20]), ("已兑付", [0, 0, 5])],
    )
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 6
    assert "1月 · 已预占：0" in svg

"""The dashboard's charts as data: what each chart shows, handed to the page as JSON (``json_script``).

The page's script (``dashboards/charts.js``) draws every chart with Apache ECharts from these specs. A spec
is plain JSON: its id, kind (``bar``: horizontal grouped bars; ``line``: one line per series over periods),
title, unit (``money``: CNY amounts as Decimal strings with two places, never floats; ``count``: whole
numbers), the category labels and the series. The same figures are in the table under each chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

from voucher.core.money import FEN
from voucher.dashboards import selectors
from voucher.dashboards.selectors import (
    BUCKET_LABELS,
    BUCKETS,
    AgeRow,
    Budget,
    BudgetRow,
    ProviderRow,
    StatusRow,
)

Unit = Literal["money", "count"]
ChartSpec = dict[str, Any]
PROVIDERS_IN_CHART = 10


def chart_value(value: Decimal | int, unit: Unit) -> str | int:
    """A figure as the chart receives it: money as a Decimal string with two places ("1234.50"), counts as
    integers."""
    if unit == "money":
        return str(Decimal(value).quantize(FEN))
    return int(value)


def _series(series: Sequence[tuple[str, Sequence[Decimal | int]]], unit: Unit) -> list[dict[str, Any]]:
    return [{"name": name, "values": [chart_value(v, unit) for v in values]} for name, values in series]


def bar_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | int]]],
    unit: Unit,
) -> ChartSpec:
    """Horizontal grouped bars: one group per category (top to bottom as in the table), one bar per series."""
    return {
        "id": chart_id,
        "kind": "bar",
        "title": title,
        "unit": unit,
        "categories": list(categories),
        "series": _series(series, unit),
    }


def line_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    axis_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | int]]],
    unit: Unit,
) -> ChartSpec:
    """One line per series over ``labels`` (periods); ``axis_labels`` are the shorter texts under the axis
    (the full label shows in the tooltip)."""
    return {
        "id": chart_id,
        "kind": "line",
        "title": title,
        "unit": unit,
        "categories": list(labels),
        "axis_labels": list(axis_labels),
        "series": _series(series, unit),
    }


def _bucket_series(rows: Sequence[BudgetRow]) -> list[tuple[str, list[Decimal]]]:
    return [(BUCKET_LABELS[b], [getattr(r, b) for r in rows]) for b in BUCKETS]


def _budget_bars(chart_id: str, title: str, rows: list[BudgetRow]) -> ChartSpec:
    shown = [r for r in rows if not r.empty] or rows
    return bar_chart(
        chart_id=chart_id,
        title=title,
        categories=[r.label for r in shown],
        series=_bucket_series(shown),
        unit="money",
    )


def budget_charts(figures: Budget) -> dict[str, ChartSpec]:
    """The four budget charts: by field, by district, by direction (rows without any figure left out) and
    the balances at the end of each period."""
    return {
        "field": _budget_bars("chart-field", "预算执行（按领域）", figures.by_field),
        "district": _budget_bars("chart-district", "预算执行（按企业登记区）", figures.by_district),
        "direction": _budget_bars("chart-direction", "预算执行（按方向）", figures.by_direction),
        "series": line_chart(
            chart_id="chart-series",
            title="预算执行（各期期末）",
            labels=[r.label for r in figures.series],
            # Months ("2025-03") keep their label "3月"; weeks show their first day ("01-06").
            axis_labels=[r.label if len(r.key) == 7 else r.key[5:] for r in figures.series],
            series=_bucket_series(figures.series),
            unit="money",
        ),
    }


def claims_charts(status_rows: Sequence[StatusRow], age_rows: Sequence[AgeRow]) -> dict[str, ChartSpec]:
    """Claims by status, and the claims awaiting a decision by days since submission."""
    return {
        "status": bar_chart(
            chart_id="chart-status",
            title="兑券申请（按状态，笔）",
            categories=[r.label for r in status_rows],
            series=[("笔数", [r.count for r in status_rows])],
            unit="count",
        ),
        "age": bar_chart(
            chart_id="chart-age",
            title="待处理兑券申请（按提交天数，笔）",
            categories=[r.label for r in age_rows],
            series=[
                ("待审核", [r.submitted for r in age_rows]),
                ("退回补充材料", [r.returned for r in age_rows]),
            ],
            unit="count",
        ),
    }


def providers_chart(providers: Sequence[ProviderRow], sort: str) -> ChartSpec:
    """The first providers of the ranking with their approved payouts and contract amounts."""
    top = list(providers[:PROVIDERS_IN_CHART])
    return bar_chart(
        chart_id="chart-providers",
        title=f"服务商排名（前{PROVIDERS_IN_CHART}名，按{selectors.RANKINGS.get(sort, selectors.RANKINGS['approved'])}）",
        categories=[r.name for r in top],
        series=[
            ("核定兑付（元）", [r.approved for r in top]),
            ("合同金额（元）", [r.contract_amount for r in top]),
        ],
        unit="money",
    )


def dashboard_charts(
    figures: Budget,
    status_rows: Sequence[StatusRow],
    age_rows: Sequence[AgeRow],
    providers: Sequence[ProviderRow],
    sort: str,
) -> dict[str, ChartSpec]:
    """Every chart of the dashboard page, by the name the template uses."""
    return {
        **budget_charts(figures),
        **claims_charts(status_rows, age_rows),
        "providers": providers_chart(providers, sort),
    }

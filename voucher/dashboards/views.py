"""Dashboard pages: every figure set of a programme year with charts and tables, and their exports (Excel or
CSV, made by a background job)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from voucher.dashboards import charts, exports, selectors, tables
from voucher.dashboards.forms import FilterForm
from voucher.dashboards.permissions import can_view_dashboard
from voucher.dashboards.selectors import BUCKET_LABELS, BUCKETS, Budget, Filters
from voucher.tasks import services as task_services

PROVIDERS_ON_PAGE = 20
PROVIDERS_IN_CHART = 10


def _bucket_series(rows: list[selectors.BudgetRow]) -> list[tuple[str, list[Any]]]:
    return [(BUCKET_LABELS[b], [getattr(r, b) for r in rows]) for b in BUCKETS]


def budget_charts(figures: Budget) -> dict[str, Any]:
    """The four budget charts of the page."""

    def bars(chart_id: str, title: str, rows: list[selectors.BudgetRow]) -> Any:
        shown = [r for r in rows if not r.empty] or rows
        return charts.bar_chart(
            chart_id=chart_id, title=title, categories=[r.label for r in shown], series=_bucket_series(shown)
        )

    return {
        "field": bars("chart-field", "预算执行（按领域）", figures.by_field),
        "direction": bars("chart-direction", "预算执行（按方向）", figures.by_direction),
        "district": bars("chart-district", "预算执行（按企业登记区）", figures.by_district),
        "series": charts.line_chart(
            chart_id="chart-series",
            title="预算执行（各期期末）",
            labels=[r.label for r in figures.series],
            axis_labels=[r.label if len(r.key) == 7 else r.key[5:] for r in figures.series],
            series=_bucket_series(figures.series),
        ),
    }


def _filters(request: HttpRequest) -> tuple[FilterForm, Filters | None]:
    form = FilterForm(request.GET)
    return form, form.filters()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The dashboard of a programme year (the current one unless another is asked for)."""
    can_view_dashboard(request.user).enforce()
    form, filters = _filters(request)
    if filters is None:
        return render(request, "dashboards/index.html", {"form": form, "filters": None})
    sort = form.cleaned_data.get("sort") or "approved"
    figures = selectors.budget(filters, form.directions)
    status_rows = selectors.claims_by_status(filters)
    age_rows = selectors.claims_by_age(filters)
    providers = selectors.provider_ranking(filters, sort)
    top = providers[:PROVIDERS_IN_CHART]
    query = filters.as_query()
    context = {
        "form": form,
        "filters": filters,
        "figures": figures,
        "charts": {
            **budget_charts(figures),
            "status": charts.bar_chart(
                chart_id="chart-status",
                title="兑券申请（按状态，笔）",
                categories=[r.label for r in status_rows],
                series=[("笔数", [r.count for r in status_rows])],
            ),
            "age": charts.bar_chart(
                chart_id="chart-age",
                title="待处理兑券申请（按提交天数，笔）",
                categories=[r.label for r in age_rows],
                series=[
                    ("待审核", [r.submitted for r in age_rows]),
                    ("退回补充材料", [r.returned for r in age_rows]),
                ],
            ),
            "providers": charts.bar_chart(
                chart_id="chart-providers",
                title=f"服务商排名（前{PROVIDERS_IN_CHART}名，按{selectors.RANKINGS[sort]}）",
                categories=[r.name for r in top],
                series=[
                    ("核定兑付（元）", [r.approved for r in top]),
                    ("合同金额（元）", [r.contract_amount for r in top]),
                ],
            ),
        },
        "tables": {
            **tables.budget_tables(figures),
            "vouchers": tables.vouchers_table(selectors.vouchers_by_product(filters)),
            "claims_status": tables.claims_status_table(status_rows),
            "claims_age": tables.claims_age_table(age_rows),
            "providers": tables.providers_table(providers[:PROVIDERS_ON_PAGE]),
        },
        "providers_total": len(providers),
        "providers_on_page": PROVIDERS_ON_PAGE,
        "export_query": {key: urlencode({**query, "table": key, "sort": sort}) for key in tables.TABLES},
        "period_links": [
            (code, label, urlencode({**query, "period": code})) for code, label in selectors.PERIODS.items()
        ],
    }
    return render(request, "dashboards/index.html", context)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """One table as an Excel or CSV file (``?table=…`` plus the page's filters), made by a background job:
    the page asks for the format, the form queues the job and shows its progress; the export is audited."""
    can_view_dashboard(request.user).enforce()
    data = request.POST if request.method == "POST" else request.GET
    try:
        wanted = exports.export_request(data)
        _, filters = exports.export_filters(wanted)
    except ValidationError:
        raise Http404 from None
    if request.method == "POST":
        job = task_services.dashboard_export_job_start(actor=request.user, request=wanted)
        return redirect("tasks:job_detail", pk=job.pk)
    return render(
        request,
        "tasks/export_start.html",
        {
            "title": f"导出：{tables.TABLES[wanted.table]}",
            "scope": f"{filters.programme.year} 年度"
            + (f"；领域：{filters.field.name}" if filters.field else "")
            + (f"；方向：{filters.direction.number}. {filters.direction.name}" if filters.direction else ""),
            "fields": {"table": wanted.table, **wanted.query},
            "formats": exports.FORMATS,
            "chosen": wanted.fmt,
            "back": f"{reverse('dashboards:index')}?{urlencode(wanted.query)}",
        },
    )

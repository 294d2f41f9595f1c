"""Dashboard pages: a programme year's figures as charts (drawn by ECharts from JSON) and tables; their
exports (Excel or CSV) are made by a background job."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from voucher.core.background import job_service
from voucher.dashboards import chart_data, exports, selectors, tables
from voucher.dashboards.forms import FilterForm
from voucher.dashboards.permissions import can_view_dashboard
from voucher.dashboards.selectors import Filters

PROVIDERS_ON_PAGE = 20


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
    query = filters.as_query()
    context = {
        "form": form,
        "filters": filters,
        "figures": figures,
        "charts": chart_data.dashboard_charts(figures, status_rows, age_rows, providers, sort),
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
        job = job_service("dashboard_export")(actor=request.user, request=wanted)
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

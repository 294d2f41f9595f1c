"""Dashboard pages: a programme year's figures as charts (drawn by ECharts from JSON) and tables; Excel exports."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from voucher.core.audit import audit_record
from voucher.dashboards import chart_data, selectors, tables
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
    """One table as an Excel file (``?table=…`` plus the page's filters); the export is audited."""
    can_view_dashboard(request.user).enforce()
    key = request.GET.get("table", "")
    if key not in tables.TABLES:
        raise Http404
    form, filters = _filters(request)
    if filters is None:
        raise Http404
    table = tables.build_table(key, filters, sort=form.cleaned_data.get("sort") or "approved")
    content = tables.workbook(table, filters)
    audit_record(
        actor=request.user,
        action="dashboard.exported",
        obj=filters.programme,
        note=f"{table.title}（{urlencode(filters.as_query())}）",
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"dashboard-{filters.programme.year}-{key}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

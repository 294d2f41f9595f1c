"""API of the dashboard (/api/v1/dashboard): every figure set as JSON and every table as Excel (made by a
background job), admins only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from voucher.core.background import JobOut, job_accepted, job_service
from voucher.dashboards import exports, selectors
from voucher.dashboards.forms import FilterForm
from voucher.dashboards.permissions import can_view_dashboard
from voucher.dashboards.selectors import Filters

router = Router(tags=["dashboard"])


class BudgetRowOut(Schema):
    key: str
    label: str
    group: str
    reserved: Decimal
    committed: Decimal
    approved: Decimal
    paid: Decimal


class AccountTotalsOut(Schema):
    accounts: int
    cap: Decimal
    reserved: Decimal
    committed: Decimal
    paid: Decimal
    available: Decimal


class BudgetOut(Schema):
    year: int
    field: str | None
    direction: str | None
    period: str
    totals: BudgetRowOut
    accounts: AccountTotalsOut
    ledger_matches_accounts: bool
    by_field: list[BudgetRowOut]
    by_direction: list[BudgetRowOut]
    by_district: list[BudgetRowOut]
    opening: BudgetRowOut
    series: list[BudgetRowOut]


class ProductVouchersOut(Schema):
    product_id: int
    name: str
    provider: str
    direction: str
    status: str
    total: int
    ordered: int
    left: int


class VouchersOut(Schema):
    year: int
    total: int
    ordered: int
    left: int
    products: list[ProductVouchersOut]


class StatusRowOut(Schema):
    status: str
    label: str
    count: int
    deduction: Decimal
    approved: Decimal


class AgeRowOut(Schema):
    label: str
    low: int
    high: int | None
    submitted: int
    returned: int
    count: int


class ClaimsOut(Schema):
    year: int
    by_status: list[StatusRowOut]
    by_age: list[AgeRowOut]


class ProviderOut(Schema):
    rank: int
    provider_id: int
    name: str
    products: int
    orders: int
    contracts: int
    contract_amount: Decimal
    approved: Decimal
    ratings: int
    rating: Decimal | None


class ProvidersOut(Schema):
    year: int
    sort: str
    providers: list[ProviderOut]


def _filters(request: HttpRequest, **query: Any) -> tuple[FilterForm, Filters]:
    """Admins only; the query parameters checked like the page's filter form (422 when one is wrong)."""
    can_view_dashboard(request.user).enforce()
    form = FilterForm({k: v for k, v in query.items() if v not in (None, "")})
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())  # type: ignore[arg-type]
    filters = form.filters()
    if filters is None:
        raise Http404
    return form, filters


def _scope(filters: Filters) -> dict[str, Any]:
    return {
        "year": filters.programme.year,
        "field": filters.field.code if filters.field else None,
        "direction": filters.direction.code if filters.direction else None,
    }


@router.get(
    "/budget",
    response=BudgetOut,
    summary="预算执行：已预占、合同已确认、审核通过、已兑付，按领域、方向、区和时间",
)
def budget(
    request: HttpRequest,
    year: int | None = None,
    field: str | None = None,
    direction: str | None = None,
    period: str | None = None,
) -> Any:
    form, filters = _filters(request, year=year, field=field, direction=direction, period=period)
    figures = selectors.budget(filters, form.directions)
    return {
        **_scope(filters),
        "period": filters.period,
        "totals": figures.totals,
        "accounts": figures.accounts,
        "ledger_matches_accounts": figures.ledger_matches_accounts,
        "by_field": figures.by_field,
        "by_direction": figures.by_direction,
        "by_district": figures.by_district,
        "opening": figures.opening,
        "series": figures.series,
    }


@router.get("/vouchers", response=VouchersOut, summary="各产品服务券发放、已下单与剩余数量")
def vouchers(
    request: HttpRequest, year: int | None = None, field: str | None = None, direction: str | None = None
) -> Any:
    _form, filters = _filters(request, year=year, field=field, direction=direction)
    rows = selectors.vouchers_by_product(filters)
    return {
        "year": filters.programme.year,
        "total": sum(r.total for r in rows),
        "ordered": sum(r.ordered for r in rows),
        "left": sum(r.left for r in rows),
        "products": rows,
    }


@router.get("/claims", response=ClaimsOut, summary="兑券申请按状态与按提交天数")
def claims(
    request: HttpRequest, year: int | None = None, field: str | None = None, direction: str | None = None
) -> Any:
    _form, filters = _filters(request, year=year, field=field, direction=direction)
    return {
        "year": filters.programme.year,
        "by_status": selectors.claims_by_status(filters),
        "by_age": selectors.claims_by_age(filters),
    }


@router.get("/providers", response=ProvidersOut, summary="服务商排名（订单数、合同金额、核定兑付、评分）")
def providers(
    request: HttpRequest,
    year: int | None = None,
    field: str | None = None,
    direction: str | None = None,
    sort: str | None = None,
) -> Any:
    form, filters = _filters(request, year=year, field=field, direction=direction, sort=sort)
    chosen = form.cleaned_data.get("sort") or "approved"
    return {
        "year": filters.programme.year,
        "sort": chosen,
        "providers": selectors.provider_ranking(filters, chosen),
    }


@router.get(
    "/export",
    summary="导出一张看板表格（Excel，后台任务；返回任务，完成后下载）",
    response={202: JobOut},
)
def export(
    request: HttpRequest,
    table: str,
    year: int | None = None,
    field: str | None = None,
    direction: str | None = None,
    period: str | None = None,
    sort: str | None = None,
) -> Status:
    """Queues the export the dashboard page queues; poll ``GET /api/v1/tasks/jobs/{id}`` and download the
    workbook from its ``download_url`` once it is done."""
    _filters(request, year=year, field=field, direction=direction, period=period, sort=sort)
    query = {"year": year, "field": field, "direction": direction, "period": period, "sort": sort}
    wanted = exports.export_request({"table": table, **query})
    return job_accepted(job_service("dashboard_export")(actor=request.user, request=wanted, via="API"))

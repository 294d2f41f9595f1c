"""Oversight pages (/oversight/): sanctions and their cases, the party's 处理记录, clawbacks with repayments
and waivers, and spot checks with inspectors, findings and the verification of the draw."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from voucher.accounts.choices import Role
from voucher.accounts.models import Organisation
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.catalogue.services import product_resume
from voucher.claims.models import Claim
from voucher.core import clock
from voucher.enforcement import permissions, services
from voucher.enforcement.choices import ACTIVE_CLAWBACK_STATUSES, ClawbackStatus, SpotCheckStatus
from voucher.enforcement.forms import (
    AssignForm,
    ClawbackOpenForm,
    FindingForm,
    LiftForm,
    RepaymentForm,
    ReportForm,
    ResumeForm,
    SanctionForm,
    SpotCheckFilterForm,
    SpotCheckForm,
    WaiveForm,
    split_numbers,
)
from voucher.enforcement.models import Clawback, Sanction, SanctionCase, SpotCheck, SpotCheckItem
from voucher.enforcement.selectors import (
    clawbacks_visible_to,
    inspection_tasks,
    inspectors,
    reportable_claims,
    sanction_in_force,
    sanctions_in_force,
    sanctions_visible_to,
    spot_check_verify,
    spot_checks_visible_to,
)
from voucher.orders.models import Order
from voucher.programmes.models import Direction
from voucher.programmes.selectors import programme_current


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, 20).get_page(request.GET.get("page"))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """监督管理: the Bureau's overview; the parties go to their records, inspectors to their spot checks."""
    user = request.user
    if user.has_role(Role.ADMIN):  # type: ignore[union-attr]
        today = clock.today()
        context = {
            "in_force": sanctions_in_force(today).count(),
            "open_clawbacks": Clawback.objects.filter(status__in=ACTIVE_CLAWBACK_STATUSES).count(),
            "open_checks": SpotCheck.objects.filter(status=SpotCheckStatus.OPEN).count(),
            "cases": SanctionCase.objects.prefetch_related("sanctions__organisation")[:10],
        }
        return render(request, "enforcement/index.html", context)
    if user.has_role(Role.REVIEWER):  # type: ignore[union-attr]
        return redirect("enforcement:spot_checks")
    permissions.can_view_records(user).enforce()
    return redirect("enforcement:records")


@login_required
def records(request: HttpRequest) -> HttpResponse:
    """处理记录: the organisation's own sanctions (with the reason and the ban's dates) and clawbacks."""
    permissions.can_view_records(request.user).enforce()
    sanctions = list(sanctions_visible_to(request.user))
    today = clock.today()
    current = sanction_in_force(organisation_id=int(request.user.organisation_id), on=today)  # type: ignore[union-attr,arg-type]
    return render(
        request,
        "enforcement/records.html",
        {
            "sanctions": sanctions,
            "current": current,
            "clawbacks": list(clawbacks_visible_to(request.user)[:50]),
            "reportable": request.user.has_role(Role.PROVIDER),  # type: ignore[union-attr]
        },
    )


# --- sanctions ---------------------------------------------------------------------------------------


@login_required
def sanction_list(request: HttpRequest) -> HttpResponse:
    permissions.can_manage_sanctions(request.user).enforce()
    rows = sanctions_visible_to(request.user)
    scope = request.GET.get("scope", "")
    if scope == "in_force":
        rows = rows.filter(pk__in=sanctions_in_force(clock.today()).values("pk"))
    return render(request, "enforcement/sanctions.html", {"page": _page(request, rows), "scope": scope})


def _organisation(uscc: str, field: str, errors: dict[str, str]) -> Organisation | None:
    uscc = (uscc or "").strip().upper()
    if not uscc:
        return None
    organisation = Organisation.objects.filter(uscc=uscc).first()
    if organisation is None:
        errors[field] = f"未找到统一社会信用代码为 {uscc} 的单位。"
    return organisation


def _initial_from_item(request: HttpRequest) -> tuple[dict[str, Any], SpotCheckItem | None]:
    item_id = request.GET.get("item") or request.POST.get("item")
    if not item_id or not str(item_id).isdigit():
        return {"decided_on": clock.today()}, None
    item = (
        SpotCheckItem.objects.select_related("order__enterprise", "order__provider")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        return {"decided_on": clock.today()}, None
    return (
        {
            "decided_on": clock.today(),
            "facts": item.findings,
            "enterprise_uscc": item.order.enterprise.uscc,
            "provider_uscc": item.order.provider.uscc,
            "orders": item.order.number,
        },
        item,
    )


@login_required
def sanction_new(request: HttpRequest) -> HttpResponse:
    """记录违规处理: the case, its parties and what it involves."""
    permissions.can_manage_sanctions(request.user).enforce()
    initial, item = _initial_from_item(request)
    form = SanctionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lookup_errors: dict[str, str] = {}
        enterprise = _organisation(data["enterprise_uscc"], "enterprise_uscc", lookup_errors)
        provider = _organisation(data["provider_uscc"], "provider_uscc", lookup_errors)
        numbers = split_numbers(data["orders"])
        orders = list(Order.objects.filter(number__in=numbers))
        missing = sorted(set(numbers) - {o.number for o in orders})
        if missing:
            lookup_errors["orders"] = "未找到订单：" + "、".join(missing)
        product_ids = split_numbers(data["products"])
        if any(not p.isdigit() for p in product_ids):
            lookup_errors["products"] = "产品编号须为数字。"
            product_ids = []
        products = list(Product.objects.filter(pk__in=product_ids))
        if len(products) != len(set(product_ids)):
            lookup_errors["products"] = "部分产品编号不存在。"
        for field, message in lookup_errors.items():
            form.add_error(field, message)
        if not lookup_errors:
            try:
                case = services.sanction_record(
                    actor=request.user,
                    kind=data["kind"],
                    facts=data["facts"],
                    decided_on=data["decided_on"],
                    enterprise=enterprise,
                    provider=provider,
                    orders=orders,
                    products=products,
                    claims=list(Claim.objects.filter(order__in=orders)),
                    spot_check_item=item,
                )
            except ValidationError as exc:
                exc = _rename(exc, {"enterprise": "enterprise_uscc", "provider": "provider_uscc"})
                _errors_to_form(form, exc)
            else:
                messages.success(
                    request, "违规处理已记录：相关产品已暂停交易，资金追回已发起，当事方已收到通知。"
                )
                return redirect("enforcement:case", pk=case.pk)
    return render(request, "enforcement/sanction_new.html", {"form": form, "item": item})


def _rename(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.can_manage_sanctions(request.user).enforce()
    case = get_object_or_404(SanctionCase, pk=pk)
    return render(
        request,
        "enforcement/case.html",
        {
            "case": case,
            "sanctions": list(case.sanctions.select_related("organisation", "lifted_by")),
            "orders": list(case.orders.all()),
            "products": list(case.products.all()),
            "suspended": list(
                Product.objects.filter(
                    provider_id__in=case.sanctions.values("organisation_id"), status=ProductStatus.SUSPENDED
                )
                | case.products.filter(status=ProductStatus.SUSPENDED)
            ),
            "clawbacks": list(case.clawbacks.select_related("claim__order", "provider")),
            "resume_form": ResumeForm(),
        },
    )


def _sanction(request: HttpRequest, pk: int) -> Sanction:
    sanction = Sanction.objects.select_related("organisation", "case").filter(pk=pk).first()
    if sanction is None or not permissions.can_view_sanction(request.user, sanction):
        raise Http404
    return sanction


@login_required
def sanction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sanction = _sanction(request, pk)
    return render(
        request,
        "enforcement/sanction.html",
        {
            "sanction": sanction,
            "in_force": sanction_in_force(organisation_id=sanction.organisation_id, on=clock.today())
            == sanction,
            "can_lift": permissions.can_lift_sanction(request.user, sanction),
            "form": LiftForm(),
        },
    )


@login_required
@require_POST
def sanction_lift(request: HttpRequest, pk: int) -> HttpResponse:
    sanction = _sanction(request, pk)
    permissions.can_lift_sanction(request.user, sanction).enforce()
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            services.sanction_lift(actor=request.user, sanction=sanction, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "处理已解除，已通知当事方。")
            return redirect("enforcement:sanction", pk=pk)
    context = {"sanction": sanction, "in_force": True, "can_lift": True, "form": form}
    return render(request, "enforcement/sanction.html", context, status=422)


@login_required
@require_POST
def product_resume_view(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.is_admin(request.user).enforce()
    product = get_object_or_404(Product, pk=pk)
    form = ResumeForm(request.POST)
    back = request.POST.get("next") or reverse("enforcement:index")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("enforcement:index")
    if not form.is_valid():
        messages.error(request, "请填写恢复交易原因。")
        return redirect(back)
    try:
        product_resume(actor=request.user, product=product, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"“{product.name}”已恢复交易。")
    return redirect(back)


# --- clawbacks ---------------------------------------------------------------------------------------


@login_required
def clawback_list(request: HttpRequest) -> HttpResponse:
    permissions.can_list_clawbacks(request.user).enforce()
    rows = clawbacks_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in ClawbackStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "enforcement/clawbacks.html",
        {
            "page": _page(request, rows),
            "status": status,
            "statuses": ClawbackStatus.choices,
            "can_open": permissions.can_open_clawback(request.user),
            "can_report": permissions.can_report_refund(request.user),
            "reportable": list(reportable_claims(request.user)[:50]),
        },
    )


@login_required
def clawback_report(request: HttpRequest, claim_id: int) -> HttpResponse:
    """服务商上报退款或未开展实质服务 (guide 五、4)."""
    permissions.can_report_refund(request.user).enforce()
    claim = reportable_claims(request.user).filter(pk=claim_id).first()
    if claim is None:
        raise Http404
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            clawback = services.clawback_report(
                actor=request.user,
                claim=claim,
                reason_kind=form.cleaned_data["reason_kind"],
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                file=form.cleaned_data.get("file"),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "已上报，市经信局将联系您办理资金退回。")
            return redirect("enforcement:clawback", pk=clawback.pk)
    return render(
        request,
        "enforcement/report.html",
        {"form": form, "claim": claim, "clawable": services.clawable(claim)},
    )


@login_required
def clawback_new(request: HttpRequest) -> HttpResponse:
    permissions.can_open_clawback(request.user).enforce()
    form = ClawbackOpenForm(request.POST or None, initial={"order_number": request.GET.get("order", "")})
    if request.method == "POST" and form.is_valid():
        claim = Claim.objects.filter(order__number=form.cleaned_data["order_number"].strip()).first()
        if claim is None:
            form.add_error("order_number", "该订单没有兑券申请。")
        else:
            try:
                clawback = services.clawback_open(
                    actor=request.user,
                    claim=claim,
                    reason_kind=form.cleaned_data["reason_kind"],
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                _errors_to_form(form, _rename(exc, {"claim": "order_number"}))
            else:
                messages.success(request, "资金追回已发起，已通知服务商。")
                return redirect("enforcement:clawback", pk=clawback.pk)
    return render(request, "enforcement/clawback_new.html", {"form": form})


def _clawback(request: HttpRequest, pk: int) -> Clawback:
    clawback = (
        Clawback.objects.select_related(
            "claim__order__product", "enterprise", "provider", "case", "programme"
        )
        .filter(pk=pk)
        .first()
    )
    if clawback is None or not permissions.can_view_clawback(request.user, clawback):
        raise Http404
    return clawback


def _clawback_page(
    request: HttpRequest, clawback: Clawback, *, repay: Any = None, waive: Any = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "enforcement/clawback.html",
        {
            "clawback": clawback,
            "repayments": list(clawback.repayments.select_related("recorded_by")),
            "can_settle": permissions.can_settle_clawback(request.user, clawback),
            "repay_form": repay or RepaymentForm(initial={"paid_on": clock.today()}),
            "waive_form": waive or WaiveForm(),
        },
        status=status,
    )


@login_required
def clawback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _clawback_page(request, _clawback(request, pk))


@login_required
@require_POST
def clawback_repay(request: HttpRequest, pk: int) -> HttpResponse:
    clawback = _clawback(request, pk)
    permissions.can_settle_clawback(request.user, clawback).enforce()
    form = RepaymentForm(request.POST)
    if form.is_valid():
        try:
            services.clawback_record_repayment(
                actor=request.user,
                clawback=clawback,
                paid_on=form.cleaned_data["paid_on"],
                amount=form.cleaned_data["amount"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "退回记录已登记。")
            return redirect("enforcement:clawback", pk=pk)
    return _clawback_page(request, clawback, repay=form, status=422)


@login_required
@require_POST
def clawback_waive(request: HttpRequest, pk: int) -> HttpResponse:
    clawback = _clawback(request, pk)
    permissions.can_settle_clawback(request.user, clawback).enforce()
    form = WaiveForm(request.POST)
    if form.is_valid():
        try:
            services.clawback_waive(actor=request.user, clawback=clawback, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "已核销。")
            return redirect("enforcement:clawback", pk=pk)
    return _clawback_page(request, clawback, waive=form, status=422)


@login_required
def clawback_evidence(request: HttpRequest, pk: int) -> FileResponse:
    clawback = _clawback(request, pk)
    if not clawback.evidence:
        raise Http404
    response = FileResponse(
        clawback.evidence.open("rb"), as_attachment=True, filename=clawback.evidence_name or "evidence"
    )
    response["Content-Type"] = clawback.evidence_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- spot checks -------------------------------------------------------------------------------------


@login_required
def spot_check_list(request: HttpRequest) -> HttpResponse:
    permissions.can_view_spot_checks(request.user).enforce()
    rows = spot_checks_visible_to(request.user)
    filters = SpotCheckFilterForm(request.GET)
    if filters.is_valid():
        chosen = {k: v for k, v in filters.cleaned_data.items() if v}
        rows = rows.filter(**chosen)
    else:
        rows = rows.none()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "enforcement/spot_checks.html",
        {
            "filters": filters,
            "query": query.urlencode(),
            "page": _page(request, rows),
            "tasks": inspection_tasks(request.user).count(),
            "can_draw": permissions.can_draw_spot_check(request.user),
        },
    )


@login_required
def spot_check_new(request: HttpRequest) -> HttpResponse:
    """抽查 (guide 五、3): draw a sample with a recorded seed."""
    permissions.can_draw_spot_check(request.user).enforce()
    programme = programme_current()
    if programme is None:
        raise Http404
    directions = [(d.code, d.name) for d in Direction.objects.filter(programme=programme).order_by("number")]
    form = SpotCheckForm(request.POST or None, directions=directions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = services.spot_check_draw(
                actor=request.user,
                programme=programme,
                target=data["target"],
                title=data["title"],
                direction=data["direction"] or "",
                status=(data["status"] or "").strip(),
                size=data["size"],
                percent=Decimal(data["percent"]) if data["percent"] is not None else None,
                seed=data["seed"] or "",
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"已抽取 {check.sample_size} 个，随机种子已记录。")
            return redirect("enforcement:spot_check", pk=check.pk)
    return render(request, "enforcement/spot_check_new.html", {"form": form, "programme": programme})


def _spot_check(request: HttpRequest, pk: int) -> SpotCheck:
    check = SpotCheck.objects.select_related("programme", "created_by").filter(pk=pk).first()
    if check is None or not permissions.can_view_spot_check(request.user, check):
        raise Http404
    return check


def _inspector_choices() -> list[tuple[str, str]]:
    return [(str(u.pk), f"{u.display_name or u.username}（{u.role_label}）") for u in inspectors()]


def _spot_check_page(
    request: HttpRequest, check: SpotCheck, *, verification: Any = None, assign: Any = None, status: int = 200
) -> HttpResponse:
    items = list(
        check.items.select_related(
            "order__product", "order__enterprise", "order__provider", "contract", "inspector"
        )
    )
    is_admin = bool(permissions.is_admin(request.user))
    rows = [
        {
            "item": item,
            "can_record": permissions.can_record_finding(request.user, item),
            "form": FindingForm(
                initial={"outcome": item.outcome, "findings": item.findings}, prefix=f"i{item.pk}"
            ),
        }
        for item in items
        if is_admin or item.inspector_id == request.user.pk
    ]
    return render(
        request,
        "enforcement/spot_check.html",
        {
            "check": check,
            "rows": rows,
            "done": sum(1 for i in items if i.outcome),
            "is_admin": is_admin,
            "verification": verification,
            "can_assign": permissions.can_assign_inspectors(request.user, check),
            "assign_form": assign or AssignForm(inspectors=_inspector_choices()),
        },
        status=status,
    )


@login_required
def spot_check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _spot_check_page(request, _spot_check(request, pk))


@login_required
@require_POST
def spot_check_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """核验: re-derive the sample from the seed and compare the current population."""
    check = _spot_check(request, pk)
    permissions.is_admin(request.user).enforce()
    return _spot_check_page(request, check, verification=spot_check_verify(check))


@login_required
@require_POST
def spot_check_assign(request: HttpRequest, pk: int) -> HttpResponse:
    check = _spot_check(request, pk)
    permissions.can_assign_inspectors(request.user, check).enforce()
    form = AssignForm(request.POST, inspectors=_inspector_choices())
    if form.is_valid():
        positions = split_numbers(form.cleaned_data["items"])
        if any(not p.isdigit() for p in positions):
            form.add_error("items", "序号须为数字。")
        else:
            chosen = list(check.items.filter(position__in=positions)) if positions else None
            try:
                inspector = inspectors().get(pk=form.cleaned_data["inspector"])
                services.spot_check_assign(actor=request.user, check=check, inspector=inspector, items=chosen)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, "检查人已分配并收到通知。")
                return redirect("enforcement:spot_check", pk=pk)
    return _spot_check_page(request, check, assign=form, status=422)


@login_required
@require_POST
def spot_check_finding(request: HttpRequest, pk: int) -> HttpResponse:
    item = SpotCheckItem.objects.select_related("spot_check").filter(pk=pk).first()
    if item is None or not permissions.can_view_spot_check(request.user, item.spot_check):
        raise Http404
    permissions.can_record_finding(request.user, item).enforce()
    form = FindingForm(request.POST, prefix=f"i{item.pk}")
    if form.is_valid():
        try:
            services.spot_check_record_finding(
                actor=request.user,
                item=item,
                outcome=form.cleaned_data["outcome"],
                findings=form.cleaned_data["findings"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"第 {item.position} 项的检查结论已保存。")
    else:
        messages.error(request, "请选择检查结论并填写检查情况。")
    return redirect("enforcement:spot_check", pk=item.spot_check_id)

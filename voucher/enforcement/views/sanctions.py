"""Sanction pages: the list, recording a case (optionally from a spot-check finding), the case and
sanction details, lifting a sanction and resuming a suspended product.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from voucher.accounts.models import Organisation
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.catalogue.services import product_resume
from voucher.claims.models import Claim
from voucher.core import clock
from voucher.core.errors import errors_to_form
from voucher.enforcement import permissions, services
from voucher.enforcement.forms import (
    LiftForm,
    ResumeForm,
    SanctionForm,
    split_numbers,
)
from voucher.enforcement.models import Sanction, SanctionCase, SpotCheckItem
from voucher.enforcement.selectors import (
    sanction_in_force,
    sanctions_in_force,
    sanctions_visible_to,
)
from voucher.enforcement.views.common import _page, _rename
from voucher.orders.models import Order

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
                errors_to_form(form, exc)
            else:
                messages.success(
                    request, "违规处理已记录：相关产品已暂停交易，资金追回已发起，当事方已收到通知。"
                )
                return redirect("enforcement:case", pk=case.pk)
    return render(request, "enforcement/sanction_new.html", {"form": form, "item": item})


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
            errors_to_form(form, exc)
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

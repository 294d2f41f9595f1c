"""Order pages: confirm and submit (enterprise), order lists and detail with accept/decline/cancel."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.core.errors import errors_to_form
from voucher.core.permissions import has_capability
from voucher.enterprises.selectors import redeclaration_warnings
from voucher.orders import gate, services
from voucher.orders.choices import OrderAction, OrderStatus
from voucher.orders.forms import DeclineForm, OrderForm
from voucher.orders.models import Order
from voucher.orders.permissions import can_place_order, can_view_order
from voucher.orders.selectors import order_list, orders_visible_to
from voucher.orders.transitions import ORDER


@login_required
def order_new(request: HttpRequest, product_id: int) -> HttpResponse:
    """申请服务: confirm the enterprise's details and the subsidy estimate, then 提交订单."""
    can_place_order(request.user).enforce()
    product = get_object_or_404(
        Product.objects.select_related("programme", "direction", "provider"), pk=product_id
    )
    user: Any = request.user
    enterprise = user.organisation
    form = OrderForm(
        request.POST or None,
        initial={
            "contact_name": user.display_name or enterprise.contact_name,
            "contact_mobile": user.mobile or enterprise.contact_phone,
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    refusal = None
    try:
        services.order_prerequisites(enterprise=enterprise, product=product, today=clock.today())
    except ValidationError as exc:
        refusal = "；".join(exc.messages)
    admission = gate.admit(request, product.pk) if request.method == "POST" else None
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_place(
                actor=user, product=product, admission=admission, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"订单已提交，系统订单编号 {order.number}。")
            return redirect("orders:detail", number=order.number)
    return render(
        request,
        "orders/new.html",
        {"product": product, "enterprise": enterprise, "form": form, "refusal": refusal},
    )


# The list is the enterprise's own orders, the provider's received ones, or every order for the Bureau.
ORDER_LIST_TITLES = {"enterprise": "我的服务券订单", "provider": "收到的服务券订单"}


@login_required
def order_index(request: HttpRequest) -> HttpResponse:
    """The order list (我的服务券订单 for an enterprise): tabs by status, deadlines and stage figures shown."""
    status = request.GET.get("status") or None
    if status not in {None, *OrderStatus.values}:
        status = None
    page = Paginator(order_list(request.user, status=status), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/index.html",
        {
            "page": page,
            "status": status,
            "statuses": OrderStatus.choices,
            "today": clock.today(),
            "title": ORDER_LIST_TITLES.get(getattr(request.user, "role", ""), "服务券订单"),
        },
    )


def _visible_order(request: HttpRequest, number: str) -> Order:
    order = orders_visible_to(request.user).filter(number=number).first()
    if order is None or not can_view_order(request.user, order):
        raise Http404
    return order


@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = _visible_order(request, number)
    user = request.user
    # The enterprise's size re-declarations are a risk flag for the Bureau and the provider, not for itself.
    risk = (
        []
        if has_capability(user, "party.enterprise")
        else redeclaration_warnings(organisation_id=order.enterprise_id, programme_id=order.programme_id)
    )
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "redeclared": risk,
            "can_decide": ORDER.allowed(user, order, OrderAction.ACCEPT),
            "can_cancel": ORDER.allowed(user, order, OrderAction.CANCEL),
            "decline_form": DeclineForm(),
            "today": clock.today(),
        },
    )


def _act(request: HttpRequest, number: str, action: Any, success: str) -> HttpResponse:
    order = _visible_order(request, number)
    try:
        action(order)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("orders:detail", number=order.number)


@login_required
@require_POST
def order_accept(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, lambda o: services.order_accept(actor=request.user, order=o), "已接单。")


@login_required
@require_POST
def order_decline(request: HttpRequest, number: str) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(
        request,
        number,
        lambda o: services.order_decline(actor=request.user, order=o, reason=reason),
        "已拒单，服务券已退回。",
    )


@login_required
@require_POST
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        lambda o: services.order_cancel(actor=request.user, order=o),
        "订单已取消，服务券与额度已退回。",
    )

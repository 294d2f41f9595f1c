"""API: place orders, list and read them, accept / decline / cancel (SPEC O2–O8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from voucher.catalogue.models import Product
from voucher.orders import gate, services
from voucher.orders.models import Order
from voucher.orders.permissions import can_view_order
from voucher.orders.selectors import order_list, orders_visible_to

router = Router(tags=["orders"])


class OrderIn(Schema):
    product_id: int
    idempotency_key: str = Field(min_length=8, max_length=64, description="同一次提交重试时保持不变")
    contact_name: str = Field(max_length=60)
    contact_mobile: str = Field(max_length=11)
    note: str = Field("", max_length=300)


class OrderOut(Schema):
    number: str
    status: str
    status_label: str
    product_id: int
    product_name: str
    enterprise: str
    provider: str
    ordered_at: dt.datetime
    listed_price: Decimal
    subsidy_estimate: Decimal
    acceptance_deadline: dt.date
    decline_reason: str

    @staticmethod
    def resolve_status_label(obj: Order) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_product_name(obj: Order) -> str:
        return obj.product.name

    @staticmethod
    def resolve_enterprise(obj: Order) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_provider(obj: Order) -> str:
        return obj.provider.name


class DeclineIn(Schema):
    reason: str = Field(max_length=300)


def _order(request: HttpRequest, number: str) -> Order:
    order = orders_visible_to(request.user).filter(number=number).first()
    if order is None or not can_view_order(request.user, order):
        raise Http404
    return order


@router.post("/", response={201: OrderOut}, summary="提交订单（领券）")
def place(request: HttpRequest, payload: OrderIn) -> Status[Order]:
    admission = gate.admitted(request, payload.product_id)
    try:
        order = services.order_place(
            actor=request.user,
            product=payload.product_id,
            idempotency_key=payload.idempotency_key,
            contact_name=payload.contact_name,
            contact_mobile=payload.contact_mobile,
            note=payload.note,
            admission=admission,
        )
    except Product.DoesNotExist as exc:
        raise Http404 from exc
    return Status(201, order)


@router.get("/", response=list[OrderOut], summary="我的订单")
def orders(request: HttpRequest, status: str | None = None) -> list[Order]:
    return list(order_list(request.user, status=status)[:200])


@router.get("/{number}", response=OrderOut, summary="订单详情")
def order(request: HttpRequest, number: str) -> Order:
    return _order(request, number)


@router.post("/{number}/accept", response=OrderOut, summary="接单（服务商）")
def accept(request: HttpRequest, number: str) -> Order:
    return services.order_accept(actor=request.user, order=_order(request, number))


@router.post("/{number}/decline", response=OrderOut, summary="拒单（服务商，需填写原因）")
def decline(request: HttpRequest, number: str, payload: DeclineIn) -> Order:
    return services.order_decline(actor=request.user, order=_order(request, number), reason=payload.reason)


@router.post("/{number}/cancel", response=OrderOut, summary="取消订单（下单企业，接单前）")
def cancel(request: HttpRequest, number: str) -> Order:
    return services.order_cancel(actor=request.user, order=_order(request, number))

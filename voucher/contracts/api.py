"""API: record, amend, confirm and complete contracts; ratings and replies; the annex (SPEC C1–C7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from voucher.catalogue.models import Product
from voucher.contracts import annex, services
from voucher.contracts.models import Contract, Rating
from voucher.contracts.permissions import can_record_contract, can_view_order_contract
from voucher.contracts.rules import deduction_limit
from voucher.contracts.selectors import contract_list, contracts_visible_to, product_ratings
from voucher.core.api_schema import BoundedDate, Money
from voucher.core.errors import FieldErrors, positive_money
from voucher.enterprises.models import QuotaAccount
from voucher.orders.choices import OrderStatus
from voucher.orders.models import Order
from voucher.orders.selectors import orders_visible_to

router = Router(tags=["contracts"])


class TermsIn(Schema):
    number: str = Field(max_length=60, description="合同编号")
    total_amount: Money = Field(description="合同总金额（元）")
    signed_on: BoundedDate
    service_start: BoundedDate
    service_end: BoundedDate
    deduction: Money = Field(description="服务券抵用额度（元）")
    own_payment: Money | None = Field(None, description="企业自付额度（元），省略则按总金额减抵用额度计算")


class ContractIn(TermsIn):
    counterparty_uscc: str = Field(max_length=18, description="合同甲方统一社会信用代码，须为下单企业")
    product_id: int | None = Field(None, description="合同服务产品，须为订单产品")


class AmendIn(TermsIn):
    reason: str = Field(max_length=300)


class RatingIn(Schema):
    quality: int = Field(ge=1, le=5, description="服务质量")
    responsiveness: int = Field(ge=1, le=5, description="响应及时性")
    expertise: int = Field(ge=1, le=5, description="专业能力")
    overall: int = Field(ge=1, le=5, description="总体满意度")
    comment: str = Field("", max_length=500)


class CompleteIn(Schema):
    rating: RatingIn | None = None


class ReplyIn(Schema):
    reply: str = Field(max_length=500)


class RatingOut(Schema):
    quality: int
    responsiveness: int
    expertise: int
    overall: int
    comment: str
    rated_at: dt.datetime
    edited_at: dt.datetime | None
    editable_until: dt.datetime
    reply: str
    replied_at: dt.datetime | None


class ContractOut(Schema):
    order_number: str
    number: str
    status: str
    status_label: str
    product_id: int
    product_name: str
    enterprise: str
    provider: str
    total_amount: Decimal
    signed_on: dt.date
    service_start: dt.date
    service_end: dt.date
    subsidisable_amount: Decimal
    annualised: bool
    max_deduction: Decimal
    deduction: Decimal
    own_payment: Decimal
    recorded_at: dt.datetime
    enterprise_confirmed_at: dt.datetime | None
    completed_at: dt.datetime | None
    amendment_count: int
    claim_locked_at: dt.datetime | None
    rating: RatingOut | None

    @staticmethod
    def resolve_order_number(obj: Contract) -> str:
        return obj.order.number

    @staticmethod
    def resolve_status_label(obj: Contract) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_product_name(obj: Contract) -> str:
        return obj.product.name

    @staticmethod
    def resolve_enterprise(obj: Contract) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_provider(obj: Contract) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_rating(obj: Contract) -> Rating | None:
        return Rating.objects.filter(contract=obj).first()


class QuoteOut(Schema):
    subsidisable_amount: Decimal
    annualised: bool
    length: str
    basis: str
    rate_bound: Decimal
    quota_bound: Decimal
    max_deduction: Decimal


class AnnexOut(Schema):
    order_number: str
    ordered_at: str
    product_name: str
    text: str


class PublicRatingOut(Schema):
    quality: int
    responsiveness: int
    expertise: int
    overall: int
    comment: str
    rated_at: dt.datetime
    reply: str
    replied_at: dt.datetime | None


class ProductRatingsOut(Schema):
    count: int
    average: Decimal | None
    latest: list[PublicRatingOut]


def _order(request: HttpRequest, number: str) -> Order:
    order = orders_visible_to(request.user).filter(number=number).first()
    if order is None or not can_view_order_contract(request.user, order):
        raise Http404
    return order


def _contract(request: HttpRequest, number: str) -> Contract:
    contract = contracts_visible_to(request.user).filter(order__number=number).first()
    if contract is None:
        raise Http404
    return contract


def _terms(payload: TermsIn) -> services.Terms:
    return services.Terms(
        number=payload.number,
        total_amount=payload.total_amount,
        signed_on=payload.signed_on,
        service_start=payload.service_start,
        service_end=payload.service_end,
        deduction=payload.deduction,
        own_payment=payload.own_payment,
    )


@router.get("/", response=list[ContractOut], summary="我的服务合同")
def contracts(request: HttpRequest, status: str | None = None) -> list[Contract]:
    return list(contract_list(request.user, status=status)[:200])


@router.get(
    "/products/{product_id}/ratings", response=ProductRatingsOut, auth=None, summary="产品满意度评价（公开）"
)
def ratings_of_product(request: HttpRequest, product_id: int) -> dict:
    return product_ratings(get_object_or_404(Product, pk=product_id))


@router.get("/orders/{number}/annex", response=AnnexOut, summary="合同附表：系统订单编号、下单时间、产品名称")
def order_annex(request: HttpRequest, number: str) -> dict:
    order = _order(request, number)
    if order.status != OrderStatus.ACCEPTED:
        raise Http404
    number_, ordered_at, product_name = annex.annex_row(order)
    return {
        "order_number": number_,
        "ordered_at": ordered_at,
        "product_name": product_name,
        "text": annex.annex_text(order),
    }


@router.get("/orders/{number}/quote", response=QuoteOut, summary="试算服务券抵用额度上限（服务商）")
def quote(
    request: HttpRequest,
    number: str,
    total_amount: Money,
    service_start: BoundedDate,
    service_end: BoundedDate,
) -> dict:
    order = _order(request, number)
    can_record_contract(request.user, order).enforce()
    existing = Contract.objects.filter(order=order).first()
    held = (
        existing.deduction
        if existing
        else (order.subsidy_estimate if order.status == OrderStatus.ACCEPTED else 0)
    )
    account = QuotaAccount.objects.get(organisation_id=order.enterprise_id, programme_id=order.programme_id)
    errors = FieldErrors()
    if service_end < service_start:
        errors.add("service_end", "end_before_start", "服务结束日期不能早于服务开始日期。")
    amount = positive_money(errors, "total_amount", total_amount, "合同总金额")
    errors.raise_any()
    assert amount is not None
    limit = deduction_limit(
        total=amount,
        start=service_start,
        end=service_end,
        max_months=order.programme.max_service_period_months,
        rate_cap=order.programme.subsidy_rate_cap,
        available=account.available,
        held=Decimal(held),
    )
    return {
        "subsidisable_amount": limit.subsidisable.amount,
        "annualised": limit.subsidisable.annualised,
        "length": limit.subsidisable.length,
        "basis": limit.subsidisable.basis,
        "rate_bound": limit.rate_bound,
        "quota_bound": limit.quota_bound,
        "max_deduction": limit.maximum,
    }


@router.post("/orders/{number}", response={201: ContractOut}, summary="录入服务合同（服务商）")
def record(request: HttpRequest, number: str, payload: ContractIn) -> Status[Contract]:
    order = _order(request, number)
    product = get_object_or_404(Product, pk=payload.product_id) if payload.product_id else None
    contract = services.contract_record(
        actor=request.user,
        order=order,
        terms=_terms(payload),
        product=product,
        counterparty_uscc=payload.counterparty_uscc,
    )
    return Status(201, _contract(request, contract.order.number))


@router.get("/{number}", response=ContractOut, summary="合同详情（按系统订单编号）")
def contract(request: HttpRequest, number: str) -> Contract:
    return _contract(request, number)


@router.post("/{number}/amend", response=ContractOut, summary="变更合同（服务商，兑券申请前）")
def amend(request: HttpRequest, number: str, payload: AmendIn) -> Contract:
    services.contract_amend(
        actor=request.user, contract=_contract(request, number), terms=_terms(payload), reason=payload.reason
    )
    return _contract(request, number)


@router.post("/{number}/confirm", response=ContractOut, summary="确认合同条款（企业）")
def confirm(request: HttpRequest, number: str) -> Contract:
    services.contract_confirm(actor=request.user, contract=_contract(request, number))
    return _contract(request, number)


@router.post("/{number}/complete", response=ContractOut, summary="确认服务完成（企业，可同时评价）")
def complete(request: HttpRequest, number: str, payload: CompleteIn) -> Contract:
    with transaction.atomic():
        done = services.contract_complete(actor=request.user, contract=_contract(request, number))
        if payload.rating is not None:
            data = payload.rating.dict()
            services.rating_create(
                actor=request.user, contract=done, scores=data, comment=data.pop("comment")
            )
    return _contract(request, number)


@router.post("/{number}/rating", response={201: RatingOut}, summary="满意度评价（企业）")
def rate(request: HttpRequest, number: str, payload: RatingIn) -> Status[Rating]:
    data = payload.dict()
    rating = services.rating_create(
        actor=request.user, contract=_contract(request, number), scores=data, comment=data.pop("comment")
    )
    return Status(201, rating)


def _rating(request: HttpRequest, number: str) -> Rating:
    rating = Rating.objects.filter(contract=_contract(request, number)).select_related("contract").first()
    if rating is None:
        raise Http404
    return rating


@router.put("/{number}/rating", response=RatingOut, summary="修改评价（企业，评价后规定天数内）")
def rate_again(request: HttpRequest, number: str, payload: RatingIn) -> Rating:
    data = payload.dict()
    return services.rating_update(
        actor=request.user, rating=_rating(request, number), scores=data, comment=data.pop("comment")
    )


@router.post("/{number}/rating/reply", response=RatingOut, summary="回复评价（服务商，仅一次）")
def reply(request: HttpRequest, number: str, payload: ReplyIn) -> Rating:
    return services.rating_reply(actor=request.user, rating=_rating(request, number), reply=payload.reply)

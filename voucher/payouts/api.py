"""API endpoints of payouts (/api/v1/payouts): batches, notice, objections, approval, payment file,
payments (R7); the caller's payouts and payee account; the public notices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from voucher.core import clock
from voucher.core.api_schema import BoundedDate
from voucher.payouts import permissions, selectors, services
from voucher.payouts.models import PayeeAccount, PayoutBatch, PayoutItem
from voucher.payouts.views import export_response
from voucher.programmes.selectors import programme_current
from voucher.reviews.models import Objection

router = Router(tags=["payouts"])


class FiltersIn(Schema):
    programme_id: int | None = None
    direction_id: int | None = None
    provider_id: int | None = None
    decided_from: BoundedDate | None = None
    decided_to: BoundedDate | None = None


class CreateIn(FiltersIn):
    title: str = ""


class PreviewOut(Schema):
    count: int
    total: Decimal


class PayoutItemOut(Schema):
    id: int
    order_number: str
    contract_number: str
    provider: str
    enterprise: str
    product_name: str
    amount: Decimal
    status: str
    status_label: str
    paid_on: dt.date | None
    payment_reference: str
    removed_reason: str

    @staticmethod
    def resolve_order_number(obj: PayoutItem) -> str:
        return obj.claim.order.number

    @staticmethod
    def resolve_contract_number(obj: PayoutItem) -> str:
        return obj.claim.contract.number

    @staticmethod
    def resolve_provider(obj: PayoutItem) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_enterprise(obj: PayoutItem) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_product_name(obj: PayoutItem) -> str:
        return obj.claim.order.product.name

    @staticmethod
    def resolve_status_label(obj: PayoutItem) -> str:
        return obj.get_status_display()


class BatchOut(Schema):
    id: int
    number: str
    title: str
    year: int
    status: str
    status_label: str
    item_count: int
    total_amount: Decimal
    filters: dict[str, Any]
    notice_days: int | None
    notice_starts_on: dt.date | None
    notice_ends_on: dt.date | None
    published_at: dt.datetime | None
    approved_at: dt.datetime | None
    exported_at: dt.datetime | None
    export_count: int
    paid_at: dt.datetime | None
    cancel_reason: str

    @staticmethod
    def resolve_year(obj: PayoutBatch) -> int:
        return obj.programme.year

    @staticmethod
    def resolve_status_label(obj: PayoutBatch) -> str:
        return obj.get_status_display()


class BatchDetailOut(BatchOut):
    items: list[PayoutItemOut]

    @staticmethod
    def resolve_items(obj: PayoutBatch) -> list[PayoutItem]:
        return list(selectors.batch_items(obj))


class PublicItemOut(Schema):
    """An item as the public notice shows it: no bank details."""

    id: int
    provider: str
    product_name: str
    enterprise: str
    amount: Decimal
    under_objection: bool

    @staticmethod
    def resolve_provider(obj: PayoutItem) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_product_name(obj: PayoutItem) -> str:
        return obj.claim.order.product.name

    @staticmethod
    def resolve_enterprise(obj: PayoutItem) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_under_objection(obj: PayoutItem) -> bool:
        return obj.status == "blocked"


class PublicBatchOut(Schema):
    id: int
    number: str
    title: str
    status_label: str
    item_count: int
    total_amount: Decimal
    notice_starts_on: dt.date | None
    notice_ends_on: dt.date | None
    accepting_objections: bool
    items: list[PublicItemOut]

    @staticmethod
    def resolve_status_label(obj: PayoutBatch) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_accepting_objections(obj: PayoutBatch) -> bool:
        return obj.notice_open(clock.today())

    @staticmethod
    def resolve_items(obj: PayoutBatch) -> list[PayoutItem]:
        return list(selectors.public_items(obj))


class PayoutObjectionOut(Schema):
    id: int
    name: str
    contact: str
    text: str
    file_name: str
    status: str
    resolution: str
    filed_at: dt.datetime
    resolved_at: dt.datetime | None
    item_ids: list[int]

    @staticmethod
    def resolve_item_ids(obj: Objection) -> list[int]:
        return [i.pk for i in obj.payout_items.all()]


class PublicObjectionOut(Schema):
    id: int
    filed_at: dt.datetime
    status: str


class PayoutReasonIn(Schema):
    reason: str = ""


class PublishIn(Schema):
    starts_on: BoundedDate | None = None


class ResolveIn(Schema):
    action: str = Field(..., description="uphold | dismiss")
    resolution: str = ""


class PaidIn(Schema):
    reference: str = ""
    paid_on: BoundedDate | None = None
    item_ids: list[int] | None = Field(None, description="留空为全部未支付明细")


class PayeeIn(Schema):
    account_name: str = ""
    bank_name: str = ""
    branch_name: str = ""
    account_number: str = ""


class PayeeOut(Schema):
    account_name: str
    bank_name: str
    branch_name: str
    account_number: str
    updated_at: dt.datetime


def _admin_batch(request: HttpRequest, pk: int) -> PayoutBatch:
    permissions.can_manage_payouts(request.user).enforce()
    return get_object_or_404(selectors.batches_all(), pk=pk)


def _filters(request: HttpRequest, payload: FiltersIn) -> selectors.BatchFilters:
    programme_id = payload.programme_id
    if programme_id is None:
        current = programme_current()
        if current is None:
            raise Http404
        programme_id = current.pk
    return selectors.BatchFilters(
        programme_id=programme_id,
        direction_id=payload.direction_id,
        provider_id=payload.provider_id,
        decided_from=payload.decided_from,
        decided_to=payload.decided_to,
    )


@router.get("/batches", response=list[BatchOut], summary="兑付批次列表（市经信局）")
def list_batches(request: HttpRequest) -> Any:
    permissions.can_manage_payouts(request.user).enforce()
    return list(selectors.batches_all())


@router.post("/batches/preview", response=PreviewOut, summary="按条件预览可编入批次的兑券申请笔数与金额")
def preview(request: HttpRequest, payload: FiltersIn) -> Any:
    permissions.can_manage_payouts(request.user).enforce()
    filters = _filters(request, payload)
    services.check_filters(filters)
    return selectors.batch_preview(filters)


@router.post("/batches", response={201: BatchDetailOut}, summary="按条件新建兑付批次（草稿）")
def create(request: HttpRequest, payload: CreateIn) -> Any:
    permissions.can_manage_payouts(request.user).enforce()
    batch = services.payout_batch_create(
        actor=request.user, filters=_filters(request, payload), title=payload.title
    )
    return Status(201, batch)


@router.get("/batches/{int:pk}", response=BatchDetailOut, summary="兑付批次详情")
def detail(request: HttpRequest, pk: int) -> Any:
    return _admin_batch(request, pk)


@router.post(
    "/batches/{int:pk}/items/{int:item_id}/remove", response=BatchDetailOut, summary="从草稿批次移出一笔"
)
def remove_item(request: HttpRequest, pk: int, item_id: int, payload: PayoutReasonIn) -> Any:
    batch = _admin_batch(request, pk)
    item = get_object_or_404(PayoutItem, pk=item_id, batch=batch)
    services.payout_item_remove(actor=request.user, item=item, reason=payload.reason)
    return _admin_batch(request, pk)


@router.post("/batches/{int:pk}/publish", response=BatchDetailOut, summary="发布兑付公示")
def publish(request: HttpRequest, pk: int, payload: PublishIn) -> Any:
    services.payout_batch_publish(
        actor=request.user, batch=_admin_batch(request, pk), starts_on=payload.starts_on
    )
    return _admin_batch(request, pk)


@router.post("/batches/{int:pk}/cancel", response=BatchDetailOut, summary="取消草稿批次")
def cancel(request: HttpRequest, pk: int, payload: PayoutReasonIn) -> Any:
    services.payout_batch_cancel(actor=request.user, batch=_admin_batch(request, pk), reason=payload.reason)
    return _admin_batch(request, pk)


@router.get("/batches/{int:pk}/objections", response=list[PayoutObjectionOut], summary="兑付公示异议")
def objections(request: HttpRequest, pk: int) -> Any:
    return list(selectors.batch_objections(_admin_batch(request, pk)))


@router.post("/objections/{int:pk}/resolve", response=PayoutObjectionOut, summary="处理兑付公示异议")
def resolve(request: HttpRequest, pk: int, payload: ResolveIn) -> Any:
    permissions.can_manage_payouts(request.user).enforce()
    objection = get_object_or_404(selectors.payout_objections(), pk=pk)
    return services.payout_objection_resolve(
        actor=request.user, objection=objection, action=payload.action, resolution=payload.resolution
    )


@router.post("/batches/{int:pk}/approve", response=BatchDetailOut, summary="公示期满后批准拨付")
def approve(request: HttpRequest, pk: int) -> Any:
    services.payout_batch_approve(actor=request.user, batch=_admin_batch(request, pk))
    return _admin_batch(request, pk)


@router.post(
    "/batches/{int:pk}/export",
    summary="导出支付文件（Excel，流式写出）",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "支付文件",
                "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
            }
        }
    },
)
def export(request: HttpRequest, pk: int) -> Any:
    batch = _admin_batch(request, pk)
    permissions.can_export_batch(request.user, batch).enforce()
    return export_response(request.user, batch)


@router.post("/batches/{int:pk}/paid", response=BatchDetailOut, summary="登记支付（全部或所选明细）")
def mark_paid(request: HttpRequest, pk: int, payload: PaidIn) -> Any:
    services.payout_mark_paid(
        actor=request.user,
        batch=_admin_batch(request, pk),
        reference=payload.reference,
        paid_on=payload.paid_on,
        item_ids=payload.item_ids,
    )
    return _admin_batch(request, pk)


@router.get("/mine", response=list[PayoutItemOut], summary="本单位的兑付明细（服务商、企业）")
def mine(request: HttpRequest) -> Any:
    permissions.can_view_own_payouts(request.user).enforce()
    return list(selectors.own_payout_items(request.user).select_related("claim__contract"))


@router.get("/payee", response={200: PayeeOut, 204: None}, summary="本单位的收款账户（服务商）")
def payee(request: HttpRequest) -> Any:
    organisation = getattr(request.user, "organisation", None)
    permissions.can_edit_payee(request.user, organisation).enforce()
    account = PayeeAccount.objects.filter(organisation=organisation).first()
    return account if account else Status(204, None)


@router.put("/payee", response=PayeeOut, summary="登记或修改收款账户（服务商）")
def payee_save(request: HttpRequest, payload: PayeeIn) -> Any:
    organisation = getattr(request.user, "organisation", None)
    permissions.can_edit_payee(request.user, organisation).enforce()
    return services.payee_account_save(
        actor=request.user,
        organisation=organisation,  # type: ignore[arg-type]
        account_name=payload.account_name,
        bank_name=payload.bank_name,
        branch_name=payload.branch_name,
        account_number=payload.account_number,
    )


@router.get("/public/batches", response=list[PublicBatchOut], auth=None, summary="兑付公示（公开）")
def public_batches(request: HttpRequest) -> Any:
    return list(selectors.batches_public())


@router.get("/public/batches/{int:pk}", response=PublicBatchOut, auth=None, summary="兑付公示详情（公开）")
def public_batch(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(selectors.batches_public(), pk=pk)


@router.post(
    "/public/batches/{int:pk}/objections",
    response={201: PublicObjectionOut},
    auth=None,
    summary="对兑付公示提出异议（公开，公示期内）",
)
def public_object(
    request: HttpRequest,
    pk: int,
    item_ids: Form[list[int]],
    name: Form[str],
    contact: Form[str],
    text: Form[str],
    file: File[UploadedFile] | None = None,
) -> Any:
    batch = get_object_or_404(selectors.batches_public(), pk=pk)
    objection = services.payout_objection_file(
        actor=request.user, batch=batch, item_ids=item_ids, name=name, contact=contact, text=text, file=file
    )
    return Status(201, objection)

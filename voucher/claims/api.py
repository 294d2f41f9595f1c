"""API: claims — eligible contracts, drafting, files and merge, pre-checks, submission, waiver, review (R1–R8).

The merge and the pre-checks run as background jobs: those operations answer 202 with the queued job."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from voucher.claims import services
from voucher.claims.models import Claim, ClaimMaterial, MaterialReading
from voucher.claims.permissions import (
    can_edit_claim,
    can_file_claim,
    can_review_queue,
    can_view_claim,
    is_staff_reviewer,
)
from voucher.claims.prechecks import invoice_reading
from voucher.claims.risk import risk_flags
from voucher.claims.selectors import claim_for_order, claim_list, contracts_to_claim, review_queue
from voucher.contracts.models import Contract
from voucher.contracts.selectors import contracts_visible_to
from voucher.core.api_schema import BoundedDate, Money
from voucher.core.background import JobOut, job_accepted, job_service

router = Router(tags=["claims"])


class ClaimableOut(Schema):
    order_number: str
    contract_number: str
    product_name: str
    enterprise: str
    deduction: Decimal
    opens_on: dt.date
    deadline: dt.date
    open_now: bool


class ClaimMaterialOut(Schema):
    id: int
    kind: str
    kind_label: str
    original_name: str
    content_type: str
    size: int
    page_count: int | None
    has_text: bool
    merged_from: list[str]
    uploaded_at: dt.datetime
    superseded_at: dt.datetime | None
    preview_url: str

    @staticmethod
    def resolve_kind_label(obj: ClaimMaterial) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_preview_url(obj: ClaimMaterial) -> str:
        return reverse("claims:preview", args=[obj.pk])


class PreCheckOut(Schema):
    code: str
    title: str
    outcome: str
    message: str
    evidence: dict[str, Any]
    checked_at: dt.datetime


class InvoiceCorrectionOut(Schema):
    read: str = Field(description="从发票识别的值")
    entered: str | None = Field(description="服务商填写的值")
    at: dt.datetime


class InvoiceReadingOut(Schema):
    """What the platform read from the current invoice file (数电票 XML, OFD or PDF)."""

    file_id: int
    file_name: str
    readable: bool = Field(description="是否自动识别；否则为“未能自动识别”，需人工核对")
    source: str = Field(description="xml | ofd | pdf（未识别时为空）")
    reason: str = Field(description="未能自动识别的原因")
    invoice_number: str
    issue_date: dt.date | None
    seller_name: str
    seller_tax_id: str
    buyer_name: str
    buyer_tax_id: str
    item_names: list[str]
    amount_without_tax: Decimal | None
    tax: Decimal | None
    total: Decimal | None = Field(description="价税合计")
    corrections: dict[str, InvoiceCorrectionOut] = Field(
        description="服务商更正的识别值：invoice_number | issue_date | total"
    )
    read_at: dt.datetime

    @staticmethod
    def resolve_file_id(obj: MaterialReading) -> int:
        return obj.material_id

    @staticmethod
    def resolve_file_name(obj: MaterialReading) -> str:
        return obj.material.original_name


class FlagOut(Schema):
    code: str
    title: str
    detail: str


class ClaimOut(Schema):
    order_number: str
    status: str
    status_label: str
    revision: int
    product_name: str
    enterprise: str
    provider: str
    contract_number: str
    contract_total: Decimal
    deduction: Decimal
    own_payment: Decimal
    signed_on: dt.date
    deadline: dt.date
    invoice_number: str
    invoice_date: dt.date | None
    invoice_amount: Decimal | None
    receipt_date: dt.date | None
    receipt_amount: Decimal | None
    receipt_reference: str
    submitted_at: dt.datetime | None
    return_count: int
    return_comment: str
    approved_payout: Decimal | None
    decision_reason: str
    decided_at: dt.datetime | None
    waived_at: dt.datetime | None
    waived_automatically: bool
    waiver_statement: str

    @staticmethod
    def resolve_order_number(obj: Claim) -> str:
        return obj.order.number

    @staticmethod
    def resolve_status_label(obj: Claim) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_product_name(obj: Claim) -> str:
        return obj.order.product.name

    @staticmethod
    def resolve_enterprise(obj: Claim) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_provider(obj: Claim) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_contract_number(obj: Claim) -> str:
        return obj.contract.number

    @staticmethod
    def resolve_contract_total(obj: Claim) -> Decimal:
        return obj.contract.total_amount

    @staticmethod
    def resolve_deduction(obj: Claim) -> Decimal:
        return obj.contract.deduction

    @staticmethod
    def resolve_own_payment(obj: Claim) -> Decimal:
        return obj.contract.own_payment

    @staticmethod
    def resolve_signed_on(obj: Claim) -> dt.date:
        return obj.contract.signed_on


class ClaimDetailOut(ClaimOut):
    files: list[ClaimMaterialOut] = Field(description="材料（含已替换的文件）")
    checks: list[PreCheckOut] = Field(description="自动预检（R8）")
    flags: list[FlagOut] = Field(description="风险提示（M6，仅评审机构和市经信局可见）")
    problems: list[str] = Field(description="提交前尚需完成的事项")
    invoice_reading: InvoiceReadingOut | None = Field(description="当前发票文件的自动识别结果")
    credit_outcome: str | None
    credit_reason: str | None


class DataIn(Schema):
    invoice_number: str = Field(max_length=40, description="发票号码")
    invoice_date: BoundedDate
    invoice_amount: Money = Field(description="发票金额（元）")
    receipt_date: BoundedDate
    receipt_amount: Money = Field(description="银行收款金额（元）")
    receipt_reference: str = Field("", max_length=60, description="银行回单编号 / 交易流水号")


class ClaimSubmitIn(Schema):
    confirm: bool = Field(description="明确确认：提交后不可撤回、不可修改（R4）")
    revision: int | None = Field(None, description="确认时看到的版本号；不一致则拒绝")


class ClaimDecisionIn(Schema):
    action: str = Field(description="approve | return | void")
    payout: Money | None = Field(None, description="核定兑付金额（审核通过时必填）")
    reason: str = Field("", max_length=1000)


def _claim(request: HttpRequest, number: str) -> Claim:
    claim = claim_for_order(request.user, number)
    if claim is None or not can_view_claim(request.user, claim):
        raise Http404
    return claim


def _contract(request: HttpRequest, number: str) -> Contract:
    contract = contracts_visible_to(request.user).filter(order__number=number).first()
    if contract is None:
        raise Http404
    return contract


def _detail(request: HttpRequest, claim: Claim) -> Claim:
    """The claim with what the detail schema shows attached (flags and credit only for reviewers)."""
    claim = Claim.objects.select_related(
        "order", "order__product", "contract", "enterprise", "provider", "programme", "credit_check"
    ).get(pk=claim.pk)
    reviewer = is_staff_reviewer(request.user)
    credit = claim.credit_check if reviewer else None
    extra: dict[str, Any] = {
        "files": list(claim.materials.order_by("kind", "uploaded_at", "id")),
        "checks": list(claim.prechecks.all()),
        "flags": [f.as_json() for f in risk_flags(claim)] if reviewer else [],
        "problems": services.submission_problems(claim) if can_edit_claim(request.user, claim) else [],
        "invoice_reading": invoice_reading(claim),
        "credit_outcome": credit.outcome if credit else None,
        "credit_reason": credit.reason if credit else None,
    }
    for name, value in extra.items():
        setattr(claim, name, value)
    return claim


@router.get("/", response=list[ClaimOut], summary="兑券申请列表（按用户可见范围）")
def list_claims(request: HttpRequest, status: str | None = None) -> Any:
    return list(claim_list(request.user, status=status)[:200])


@router.get("/claimable", response=list[ClaimableOut], summary="服务商可申请兑券的合同及兑券期限")
def list_claimable(request: HttpRequest) -> Any:
    return [
        {
            "order_number": row.contract.order.number,
            "contract_number": row.contract.number,
            "product_name": row.contract.product.name,
            "enterprise": row.contract.enterprise.name,
            "deduction": row.contract.deduction,
            "opens_on": row.window.opens_on,
            "deadline": row.window.deadline,
            "open_now": row.open_now,
        }
        for row in contracts_to_claim(request.user)
    ]


@router.get("/review/queue", response=list[ClaimOut], summary="兑券审核队列（评审机构、市经信局）")
def queue(request: HttpRequest) -> Any:
    can_review_queue(request.user).enforce()
    return list(review_queue(request.user)[:200])


@router.post("/{number}/start", response={201: ClaimDetailOut}, summary="开始兑券申请（草稿）")
def start(request: HttpRequest, number: str) -> Any:
    contract = _contract(request, number)
    can_file_claim(request.user, contract).enforce()
    claim = services.claim_start(actor=request.user, contract=contract)
    return Status(201, _detail(request, claim))


@router.get("/{number}", response=ClaimDetailOut, summary="兑券申请详情、材料、预检和风险提示")
def detail(request: HttpRequest, number: str) -> Any:
    return _detail(request, _claim(request, number))


@router.put("/{number}/data", response=ClaimDetailOut, summary="保存发票与银行收款信息（R3）")
def save_data(request: HttpRequest, number: str, payload: DataIn) -> Any:
    claim = _claim(request, number)
    services.claim_update_data(
        actor=request.user,
        claim=claim,
        data=services.ClaimData(**payload.dict()),
    )
    return _detail(request, claim)


@router.post(
    "/{number}/materials", response={201: ClaimMaterialOut}, summary="上传一种兑付材料（按内容检查）"
)
def upload(request: HttpRequest, number: str, kind: Form[str], file: File[UploadedFile]) -> Any:
    claim = _claim(request, number)
    return Status(201, services.claim_material_upload(actor=request.user, claim=claim, kind=kind, file=file))


@router.post(
    "/{number}/materials/merge",
    response={202: JobOut},
    summary="多张图片或 PDF 按顺序合并为一个 PDF 并放入材料（后台任务，返回任务）",
)
def merge(
    request: HttpRequest,
    number: str,
    kind: Form[str],
    files: File[list[UploadedFile]],
    order: Form[str] = "",
    name: Form[str] = "",
) -> Status:
    """Queues the merge the materials page queues: the number, order and size of the files are checked
    at once; the merged PDF is in the claim's materials (and the job's ``download_url``) once it is done."""
    claim = _claim(request, number)
    job = job_service("claim_merge")(
        actor=request.user, claim=claim, kind=kind, files=list(files), order=order, name=name
    )
    return job_accepted(job)


@router.post(
    "/{number}/materials/{pk}/withdraw", response=ClaimMaterialOut, summary="撤下一个文件（保留记录）"
)
def withdraw(request: HttpRequest, number: str, pk: int) -> Any:
    claim = _claim(request, number)
    material = claim.materials.filter(pk=pk).first()
    if material is None:
        raise Http404
    return services.claim_material_withdraw(actor=request.user, claim=claim, material=material)


@router.post("/{number}/prechecks", response={202: JobOut}, summary="运行自动预检（R8，后台任务，返回任务）")
def prechecks(request: HttpRequest, number: str) -> Status:
    """Queues the pre-checks the pre-check page queues (one at a time per user and claim); once the job is
    done they are in ``GET /api/v1/claims/{number}`` (``checks``)."""
    return job_accepted(job_service("claim_prechecks")(actor=request.user, claim=_claim(request, number)))


@router.post("/{number}/submit", response=ClaimDetailOut, summary="提交兑券申请（完成服务，不可撤回，R4）")
def submit(request: HttpRequest, number: str, payload: ClaimSubmitIn) -> Any:
    claim = _claim(request, number)
    services.claim_submit(
        actor=request.user, claim=claim, confirmed=payload.confirm, revision=payload.revision
    )
    return _detail(request, claim)


@router.post("/{number}/waive", response=ClaimDetailOut, summary="提交放弃兑付声明（R5）")
def waive(
    request: HttpRequest, number: str, statement: Form[str], file: File[UploadedFile] | None = None
) -> Any:
    contract = _contract(request, number)
    claim = services.claim_waive(actor=request.user, contract=contract, statement=statement, file=file)
    return _detail(request, claim)


@router.post(
    "/{number}/decision",
    response=ClaimDetailOut,
    summary="审核结论：通过（核定金额）、退回补充材料、订单作废（R6）",
)
def decide(request: HttpRequest, number: str, payload: ClaimDecisionIn) -> Any:
    claim = _claim(request, number)
    services.claim_decide(
        actor=request.user, claim=claim, action=payload.action, payout=payload.payout, reason=payload.reason
    )
    return _detail(request, claim)


@router.post("/{number}/credit-check", response=ClaimDetailOut, summary="兑券审核信用核查（E4）")
def credit(request: HttpRequest, number: str) -> Any:
    claim = _claim(request, number)
    services.claim_credit_check(actor=request.user, claim=claim)
    return _detail(request, claim)

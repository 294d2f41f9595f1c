"""API endpoints of the enterprises app (/api/v1/enterprises/…).

Refusals of the rules are stored outcomes (status + reason) where the guide asks for a record; bad input
is a 422 with the field and a machine-readable code; permission failures are 403.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from voucher.accounts.models import Organisation
from voucher.core.api_schema import BoundedDate, Money
from voucher.core.background import JobOut, job_accepted, job_service
from voucher.enterprises import services
from voucher.enterprises import uscc as uscc_rules
from voucher.enterprises.credit import credit_check
from voucher.enterprises.models import CreditListEntry, CreditListImport, IndustryCode
from voucher.enterprises.permissions import (
    can_act_for_enterprise,
    can_manage_credit_list,
    can_read_enterprises,
    can_run_credit_check,
    can_view_enterprise,
)
from voucher.enterprises.selectors import (
    classifications_visible_to,
    credit_imports,
    credit_list,
    digital_marketing_eligible,
    enterprise_status,
    industry_search,
    ledger_for,
)
from voucher.enterprises.views import ORDER_NUMBER
from voucher.programmes.selectors import programme_current

router = Router(tags=["enterprises"])


def _own(request: HttpRequest) -> Organisation:
    organisation = getattr(request.user, "organisation", None)
    if organisation is None or not request.user.has_role("enterprise"):  # type: ignore[union-attr]
        raise PermissionDenied("此功能仅限企业用户使用。")
    can_act_for_enterprise(request.user, organisation).enforce()
    return organisation


def _programme() -> Any:
    programme = programme_current()
    if programme is None:
        raise ValidationError(ValidationError("尚未设置年度政策。", code="no_programme"))
    return programme


class UsccIn(Schema):
    uscc: str


class UsccOut(Schema):
    code: str
    valid: bool
    eligible: bool
    refusal_code: str
    reason: str
    authority_name: str = ""
    type_name: str = ""
    division_code: str = ""
    division_name: str = ""


class AuthenticateIn(Schema):
    uscc: str
    name: str | None = None
    registered_address: str | None = None


class AuthenticationOut(Schema):
    uscc: str
    status: str
    refusal_code: str
    reason: str
    authority_name: str
    type_name: str
    division_code: str
    division_name: str
    checked_at: dt.datetime


class ClassifyIn(Schema):
    industry_code: str
    employees: int
    revenue_wan: Money
    assets_wan: Money


class CreditCheckOut(Schema):
    id: int
    organisation_id: int
    context: str
    outcome: str
    reason: str
    checker: str
    checked_at: dt.datetime


class ClassificationOut(Schema):
    id: int
    organisation_id: int
    programme_year: int
    standard: str
    industry_code: str
    industry_name: str
    industry_group: str
    group_by_programme_rule: bool
    data_year: int
    employees: int
    revenue_wan: Decimal
    assets_wan: Decimal
    size: str
    size_label: str
    eligible: bool
    refusal_code: str
    reason: str
    is_current: bool
    classified_at: dt.datetime
    credit_check: CreditCheckOut | None

    @staticmethod
    def resolve_programme_year(obj: Any) -> int:
        return int(obj.programme.year)

    @staticmethod
    def resolve_standard(obj: Any) -> str:
        return str(obj.standard.code)

    @staticmethod
    def resolve_industry_code(obj: Any) -> str:
        return str(obj.industry.code)

    @staticmethod
    def resolve_industry_name(obj: Any) -> str:
        return str(obj.industry.name)

    @staticmethod
    def resolve_industry_group(obj: Any) -> str:
        return str(obj.industry_group.name)

    @staticmethod
    def resolve_size_label(obj: Any) -> str:
        return str(obj.get_size_display())


class QuotaOut(Schema):
    programme_year: int
    tier: str
    cap: Decimal
    available: Decimal
    reserved: Decimal
    committed: Decimal
    paid: Decimal

    @staticmethod
    def resolve_programme_year(obj: Any) -> int:
        return int(obj.programme.year)

    @staticmethod
    def resolve_tier(obj: Any) -> str:
        return obj.tier.name if obj.tier_id else ""


class LedgerEntryOut(Schema):
    id: int
    kind: str
    amount: Decimal
    balance_after: Decimal
    reserved_after: Decimal
    committed_after: Decimal
    paid_after: Decimal
    reference: str
    note: str
    at: dt.datetime


class StatusOut(Schema):
    organisation_id: int
    organisation_name: str
    step: str
    authentication: AuthenticationOut | None
    classification: ClassificationOut | None
    quota: QuotaOut | None
    digital_marketing_eligible: bool
    digital_marketing_reason: str


class IndustryOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    digital_marketing_eligible: bool

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_digital_marketing_eligible(obj: Any) -> bool:
        return bool(digital_marketing_eligible(obj, programme_current()))


class CreditCheckIn(Schema):
    organisation_id: int
    context: str = "manual"


class CreditEntryIn(Schema):
    uscc: str
    name: str
    kind: str
    recorded_on: BoundedDate
    source: str = ""
    note: str = ""


class CreditEntryOut(Schema):
    id: int
    uscc: str
    name: str
    kind: str
    recorded_on: dt.date
    source: str
    note: str
    active: bool


class CreditImportOut(Schema):
    id: int
    file_name: str
    status: str
    rows: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    uploaded_at: dt.datetime


def _status_out(status: Any) -> dict[str, Any]:
    industry = status.classification.industry if status.classification else None
    dm = digital_marketing_eligible(industry, status.programme)
    return {
        "organisation_id": status.organisation.pk,
        "organisation_name": status.organisation.name,
        "step": status.step,
        "authentication": status.authentication,
        "classification": status.classification,
        "quota": status.account,
        "digital_marketing_eligible": dm.allowed,
        "digital_marketing_reason": dm.reason,
    }


@router.post("/uscc/check", response=UsccOut, summary="核验统一社会信用代码（E1、E2）", auth=None)
def uscc_check(request: HttpRequest, payload: UsccIn) -> dict[str, Any]:
    """Decode a code and say whether it may take part; nothing is stored."""
    programme = programme_current()
    code = uscc_rules.compact(payload.uscc)
    try:
        info = uscc_rules.decode(code)
    except uscc_rules.UsccRefused as exc:
        return {
            "code": code,
            "valid": False,
            "eligible": False,
            "refusal_code": exc.code,
            "reason": exc.reason,
        }
    out = {
        "code": info.code,
        "valid": True,
        "authority_name": info.authority_name,
        "type_name": info.type_name,
        "division_code": info.division_code,
        "division_name": info.division_name,
    }
    try:
        uscc_rules.check_eligible(
            code,
            individual_businesses_eligible=bool(programme and programme.individual_businesses_eligible),
            farmer_cooperatives_eligible=bool(programme and programme.farmer_cooperatives_eligible),
        )
    except uscc_rules.UsccRefused as exc:
        return {**out, "eligible": False, "refusal_code": exc.code, "reason": exc.reason}
    return {**out, "eligible": True, "refusal_code": "", "reason": "可以参加服务券活动。"}


@router.get("/me", response=StatusOut, summary="本企业认证、划型与额度状态")
def my_status(request: HttpRequest) -> dict[str, Any]:
    organisation = _own(request)
    return _status_out(
        enterprise_status(user=request.user, organisation=organisation, programme=programme_current())
    )


@router.post("/me/authenticate", response=AuthenticationOut, summary="企业认证：确认统一社会信用代码")
def authenticate(request: HttpRequest, payload: AuthenticateIn) -> Any:
    organisation = _own(request)
    return services.enterprise_authenticate(
        actor=request.user,
        organisation=organisation,
        uscc=payload.uscc,
        name=payload.name,
        registered_address=payload.registered_address,
    )


@router.post("/me/classify", response=ClassificationOut, summary="企业划型认证（E3）")
def classify(request: HttpRequest, payload: ClassifyIn) -> Any:
    organisation = _own(request)
    return services.enterprise_classify(
        actor=request.user,
        organisation=organisation,
        programme=_programme(),
        industry_code=payload.industry_code,
        employees=payload.employees,
        revenue_wan=payload.revenue_wan,
        assets_wan=payload.assets_wan,
    )


@router.get("/me/classifications", response=list[ClassificationOut], summary="本企业划型记录（含历史）")
def my_classifications(request: HttpRequest) -> Any:
    return list(
        classifications_visible_to(request.user, _own(request)).select_related("standard", "credit_check")
    )


@router.get("/me/quota", response=QuotaOut, summary="本企业本年度额度")
def my_quota(request: HttpRequest) -> Any:
    status = enterprise_status(user=request.user, organisation=_own(request), programme=programme_current())
    if status.account is None:
        raise ValidationError(
            ValidationError("尚无本年度额度，请先完成企业认证和划型认证。", code="no_quota")
        )
    return status.account


@router.get("/me/quota/ledger", response=list[LedgerEntryOut], summary="本企业额度流水")
def my_ledger(request: HttpRequest) -> Any:
    status = enterprise_status(user=request.user, organisation=_own(request), programme=programme_current())
    return list(ledger_for(user=request.user, account=status.account)) if status.account else []


@router.get("/me/pledge", summary="下载中小微企业划型及用券承诺（PDF）", response={200: None})
def my_pledge(request: HttpRequest, order: str = "") -> HttpResponse:
    from voucher.enterprises.pdf import pledge_pdf

    organisation = _own(request)
    if order and not ORDER_NUMBER.fullmatch(order):
        raise ValidationError({"order": ValidationError("订单编号格式不正确。", code="invalid_order_number")})
    status = enterprise_status(user=request.user, organisation=organisation, programme=programme_current())
    if status.classification is None or not status.classification.eligible:
        raise ValidationError(ValidationError("尚无符合条件的划型结果，不能生成承诺。", code="not_eligible"))
    response = HttpResponse(
        pledge_pdf(classification=status.classification, order_number=order or None),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="pledge-{organisation.uscc}.pdf"'
    return response


@router.get(
    "/industries", response=list[IndustryOut], summary="国民经济行业分类检索（GB/T 4754-2017）", auth=None
)
def industries(request: HttpRequest, q: str = "", limit: int = 50, level: str = "") -> Any:
    """Codes matching ``q``; ``level=class`` keeps the 小类 an enterprise declares."""
    return list(industry_search(q, limit=max(1, min(limit, 300)), level=level).select_related("parent"))


@router.get(
    "/industries/{code}", response=IndustryOut, summary="行业代码详情及数字化营销资格（E5）", auth=None
)
def industry_detail(request: HttpRequest, code: str) -> Any:
    return get_object_or_404(IndustryCode.objects.select_related("parent"), code=code.upper())


@router.get("/organisations", response=list[StatusOut], summary="企业名单（管理员、评审机构）")
def organisations(request: HttpRequest) -> Any:
    rows = classifications_visible_to(request.user).select_related("organisation")[:500]
    programme = programme_current()
    return [
        _status_out(enterprise_status(user=request.user, organisation=c.organisation, programme=programme))
        for c in rows
    ]


@router.get("/organisations/{organisation_id}", response=StatusOut, summary="某企业的认证、划型与额度")
def organisation_status(request: HttpRequest, organisation_id: int) -> Any:
    """Its own users, reviewers and the Bureau; another enterprise gets 404, as for a number that does not
    exist; a provider, whose role never reads enterprises, 403 for every number."""
    can_read_enterprises(request.user).enforce()
    organisation = get_object_or_404(Organisation, pk=organisation_id, is_enterprise=True)
    if not can_view_enterprise(request.user, organisation):
        raise Http404
    return _status_out(
        enterprise_status(user=request.user, organisation=organisation, programme=programme_current())
    )


@router.post("/credit-checks", response=CreditCheckOut, summary="信用核查（E4），结果和时间留存")
def run_credit_check(request: HttpRequest, payload: CreditCheckIn) -> Any:
    """Reviewers and the Bureau check anyone; other users their own organisation (another one: 404)."""
    organisation = get_object_or_404(Organisation, pk=payload.organisation_id)
    if not can_run_credit_check(request.user, organisation):
        raise Http404
    try:
        return credit_check(organisation=organisation, actor=request.user, context=payload.context)
    except ValueError as exc:
        raise ValidationError(
            {"context": ValidationError("核查环节不正确。", code="invalid_context")}
        ) from exc


@router.get("/credit-list", response=list[CreditEntryOut], summary="信用名单（管理员）")
def list_credit_entries(request: HttpRequest, q: str = "") -> Any:
    return list(credit_list(user=request.user, query=q)[:1000])


@router.post("/credit-list", response={201: CreditEntryOut}, summary="录入信用名单记录（管理员）")
def add_credit_entry(request: HttpRequest, payload: CreditEntryIn) -> Any:
    return Status(201, services.credit_list_entry_create(actor=request.user, **payload.dict()))


@router.post("/credit-list/{entry_id}/deactivate", response=CreditEntryOut, summary="移出信用名单（管理员）")
def deactivate_credit_entry(request: HttpRequest, entry_id: int) -> Any:
    can_manage_credit_list(request.user).enforce()
    return services.credit_list_entry_deactivate(
        actor=request.user, entry=get_object_or_404(CreditListEntry, pk=entry_id)
    )


@router.post(
    "/credit-list/imports",
    response={202: JobOut},
    summary="上传信用名单文件，后台读取为预览批次（CSV/Excel）",
)
def preview_import(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """The file's type and size are checked at once; a background job reads its rows. When the job is done
    its ``result_api_url`` is the preview batch (``GET /credit-list/imports/{import_id}``)."""
    return job_accepted(job_service("credit_list_import")(actor=request.user, file=file))


@router.get("/credit-list/imports", response=list[CreditImportOut], summary="信用名单导入批次")
def list_imports(request: HttpRequest) -> Any:
    return list(credit_imports(user=request.user)[:50])


@router.get(
    "/credit-list/imports/{import_id}",
    response=CreditImportOut,
    summary="信用名单导入批次（预览：有效行与错误行）",
    url_name="credit_import",
)
def import_detail(request: HttpRequest, import_id: int) -> Any:
    can_manage_credit_list(request.user).enforce()
    return get_object_or_404(CreditListImport, pk=import_id)


@router.post(
    "/credit-list/imports/{import_id}/apply", response={202: JobOut}, summary="确认导入有效行（后台任务）"
)
def apply_import(request: HttpRequest, import_id: int) -> Any:
    can_manage_credit_list(request.user).enforce()
    batch = get_object_or_404(CreditListImport, pk=import_id)
    return job_accepted(job_service("credit_list_apply")(actor=request.user, batch=batch))

"""API endpoints of the applications app (/api/v1/applications): the same services as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from voucher.applications import decisions, permissions, selectors, services
from voucher.applications.choices import ApplicationAction, MaterialKind
from voucher.applications.excel import ExcelProblems, build_template, differences
from voucher.applications.models import Application, ConditionCheck, Material, ProviderDossier
from voucher.core import clock
from voucher.core.api_schema import BoundedDate, Money
from voucher.core.background import JobOut, job_accepted, job_service
from voucher.programmes.selectors import programme_current

router = Router(tags=["applications"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PriceTransactionIn(Schema):
    transacted_on: BoundedDate
    amount: Money


class ApplicationIn(Schema):
    """Annex 2-1-1 fields; omitted fields keep their value. Numbers may also be sent as text."""

    direction: int | str | None = None
    subtype: str | None = None
    product_line: str | None = None
    software_type: str | None = None
    product_name: str | None = None
    provider_name: str | None = None
    summary: str | None = None
    price_amount: Money | str | None = None
    price_unit: str | None = None
    pricing_basis: str | None = None
    client_count: int | str | None = None
    revenue_wan: Money | str | None = None
    has_ip: bool | None = None
    has_sales_qualification: bool | None = None
    has_sales_system: bool | None = None
    has_after_sales: bool | None = None
    cac_model_name: str | None = None
    cac_filing_unit: str | None = None
    cac_filing_number: str | None = None
    market_share: str | None = None
    ranking: str | None = None
    high_growth_count: int | str | None = None
    contact_name: str | None = None
    contact_mobile: str | None = None
    price_transactions: list[PriceTransactionIn] | None = None

    def raw(self) -> dict[str, Any]:
        data = self.dict(exclude_unset=True)
        if data.get("price_transactions") is not None:
            data["price_transactions"] = [dict(t) for t in data["price_transactions"]]
        return {k: ("" if v is None else v) for k, v in data.items()}


class PriceTransactionOut(Schema):
    transacted_on: dt.date
    amount: Decimal


class ApplicationCheckOut(Schema):
    code: str
    title: str
    outcome: str
    message: str
    evidence: dict[str, Any]
    checked_at: dt.datetime


class ApplicationMaterialOut(Schema):
    id: int
    kind: str
    kind_label: str
    scope: str
    folder: str
    application_id: int | None
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj: Material) -> str:
        return obj.get_kind_display()


class ApplicationOut(Schema):
    id: int
    programme_year: int
    organisation: str
    sequence: int
    folder_name: str
    status: str
    status_label: str
    direction: int | None
    subtype: str | None
    product_line: str
    software_type: str
    product_name: str
    name_locked: bool
    provider_name: str
    summary: str
    price_amount: Decimal | None
    price_unit: str
    price_display: str
    pricing_basis: str
    client_count: int | None
    revenue_wan: Decimal | None
    has_ip: bool
    has_sales_qualification: bool
    has_sales_system: bool
    has_after_sales: bool
    cac_model_name: str
    cac_filing_unit: str
    cac_filing_number: str
    cac_display: str
    market_share: str
    ranking: str
    high_growth_count: int | None
    contact_name: str
    contact_mobile: str
    priority_score: int
    pledge_accepted_at: dt.datetime | None
    first_submitted_at: dt.datetime | None
    last_submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    decision_comment: str
    price_transactions: list[PriceTransactionOut]

    @staticmethod
    def resolve_programme_year(obj: Application) -> int:
        return obj.programme.year

    @staticmethod
    def resolve_organisation(obj: Application) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_status_label(obj: Application) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_direction(obj: Application) -> int | None:
        return obj.direction.number if obj.direction else None

    @staticmethod
    def resolve_subtype(obj: Application) -> str | None:
        return obj.subtype.code if obj.subtype else None

    @staticmethod
    def resolve_name_locked(obj: Application) -> bool:
        return obj.name_locked_at is not None

    @staticmethod
    def resolve_market_share(obj: Application) -> str:
        return obj.market_share_display

    @staticmethod
    def resolve_price_transactions(obj: Application) -> list[Any]:
        return list(obj.price_transactions.all())


class ApplicationSubmitIn(Schema):
    pledge_accepted: bool


class ApplicationDecisionIn(Schema):
    comment: str = ""


class DossierIn(Schema):
    introduction: str | None = None
    revenue_last_year_wan: Money | str | None = None
    sme_contracts: list[dict[str, str]] | None = None
    qualifications: list[str] | None = None
    qualification_notes: str | None = None


class DossierOut(Schema):
    introduction: str
    revenue_last_year_wan: Decimal | None
    sme_contracts: list[dict[str, str]]
    qualifications: list[str]
    qualification_notes: str
    profile_problems: list[str]


class ApplicationDifferenceOut(Schema):
    key: str
    label: str
    form: str
    excel: str
    differs: bool


def _programme() -> Any:
    programme = programme_current()
    if programme is None:
        raise ValidationError({"programme": "尚未设置年度政策。"})
    return programme


def _works_with_applications(request: HttpRequest) -> None:
    """403 for a role that never works with applications (an enterprise), the same for every number."""
    user = request.user
    if not (permissions.is_provider(user) or permissions.is_reviewer_or_admin(user)):
        raise PermissionDenied("此功能仅限服务商、评审机构和市经信局使用。")


def _application(request: HttpRequest, pk: int) -> Application:
    """The application, or 404 when the caller may not see it (another provider's, or a draft never
    submitted for the Bureau's staff): nobody learns that someone else's application exists."""
    _works_with_applications(request)
    application = get_object_or_404(
        Application.objects.select_related("programme", "organisation", "direction", "subtype"), pk=pk
    )
    if not permissions.can_view_application(request.user, application):
        raise Http404
    return application


@router.get("/", response=list[ApplicationOut], summary="我的申报（按状态筛选）")
def list_applications(request: HttpRequest, status: str = "") -> Any:
    _works_with_applications(request)
    return list(
        selectors.application_list(request.user, status=status or None).prefetch_related("price_transactions")
    )


@router.post("/", response={201: ApplicationOut}, summary="新建申报（临时保存，不校验）")
def create_application(request: HttpRequest, payload: ApplicationIn) -> Any:
    application = services.application_create(actor=request.user, programme=_programme(), data=payload.raw())
    return Status(201, application)


@router.get("/{int:pk}", response=ApplicationOut, summary="申报详情")
def get_application(request: HttpRequest, pk: int) -> Any:
    return _application(request, pk)


@router.put("/{int:pk}/draft", response=ApplicationOut, summary="临时保存（不校验）")
def temp_save_application(request: HttpRequest, pk: int, payload: ApplicationIn) -> Any:
    return services.application_temp_save(
        actor=request.user, application=_application(request, pk), data=payload.raw()
    )


@router.put("/{int:pk}", response=ApplicationOut, summary="保存（全量校验，所有问题一次返回）")
def save_application(request: HttpRequest, pk: int, payload: ApplicationIn) -> Any:
    return services.application_save(
        actor=request.user, application=_application(request, pk), data=payload.raw()
    )


@router.post("/{int:pk}/submit", response=ApplicationOut, summary="提交（校验、接受申报承诺并锁定）")
def submit_application(request: HttpRequest, pk: int, payload: ApplicationSubmitIn) -> Any:
    return services.application_submit(
        actor=request.user, application=_application(request, pk), pledge_accepted=payload.pledge_accepted
    )


@router.get("/{int:pk}/problems", response=dict[str, list[str]], summary="提交前尚需完善的内容")
def application_problems(request: HttpRequest, pk: int) -> Any:
    application = _application(request, pk)
    problems = services.submission_problems(application)
    window = permissions.application_window(application.programme, clock.today())
    if not window:
        problems["__all__"] = [window.reason]
    return problems


def _decide(request: HttpRequest, pk: int, action: str, comment: str) -> Application:
    """Decisions go through the review desk: conflict of interest, assignment, decision history (V2)."""
    return decisions.application_decide(
        actor=request.user, application=_application(request, pk), action=action, comment=comment
    )


@router.post("/{int:pk}/approve", response=ApplicationOut, summary="审核通过（评审）")
def approve_application(request: HttpRequest, pk: int, payload: ApplicationDecisionIn) -> Any:
    return _decide(request, pk, ApplicationAction.APPROVE, payload.comment)


@router.post("/{int:pk}/return", response=ApplicationOut, summary="退回修改（评审，须填意见）")
def return_application(request: HttpRequest, pk: int, payload: ApplicationDecisionIn) -> Any:
    return _decide(request, pk, ApplicationAction.RETURN, payload.comment)


@router.post("/{int:pk}/reject", response=ApplicationOut, summary="审核不通过（评审，须填理由）")
def reject_application(request: HttpRequest, pk: int, payload: ApplicationDecisionIn) -> Any:
    return _decide(request, pk, ApplicationAction.REJECT, payload.comment)


@router.get("/{int:pk}/checks", response=list[ApplicationCheckOut], summary="条件核验结果（P9、K1–K6）")
def application_checks(request: HttpRequest, pk: int) -> Any:
    return list(ConditionCheck.objects.filter(application=_application(request, pk)))


@router.get(
    "/{int:pk}/materials", response=list[ApplicationMaterialOut], summary="产品材料（序号-产品名称文件夹）"
)
def application_materials(request: HttpRequest, pk: int) -> Any:
    return list(_application(request, pk).materials.select_related("application"))


@router.post("/{int:pk}/materials", response={201: ApplicationMaterialOut}, summary="上传产品材料")
def upload_application_material(
    request: HttpRequest, pk: int, kind: Form[str], file: File[UploadedFile]
) -> Any:
    application = _application(request, pk)
    material = services.material_upload(
        actor=request.user,
        organisation=application.organisation,
        programme=application.programme,
        kind=kind,
        file=file,
        application=application,
    )
    return Status(201, material)


@router.get("/{int:pk}/excel", summary="下载申请表Excel模板", response={200: None})
def download_excel(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    response = HttpResponse(build_template(application), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="application.xlsx"'
    return response


@router.post(
    "/{int:pk}/excel",
    response={202: JobOut},
    summary="上传填好的Excel填充申请表（后台任务，返回任务；逐单元格报错，全部或全不）",
)
def upload_excel(request: HttpRequest, pk: int, file: File[UploadedFile]) -> Status:
    """Queues the import the application page queues: a wrong file is refused at once (422); each wrong
    cell is listed in the failed job's ``details``, and nothing is saved unless every cell is right."""
    job = job_service("application_import")(
        actor=request.user, application=_application(request, pk), file=file
    )
    return job_accepted(job)


@router.get("/{int:pk}/differences", response=list[ApplicationDifferenceOut], summary="表单与Excel差异")
def excel_differences(request: HttpRequest, pk: int) -> Any:
    application = _application(request, pk)
    excel = application.materials.filter(kind=MaterialKind.FORM_EXCEL).order_by("-uploaded_at").first()
    if excel is None:
        return []
    with excel.file.open("rb") as handle:
        data = handle.read()
    try:
        return differences(application, data)
    except ExcelProblems as exc:
        raise ValidationError({"excel": exc.messages}) from None


@router.get("/materials", response=list[ApplicationMaterialOut], summary="附件管理（按文件名称搜索）")
def list_materials(request: HttpRequest, q: str = "") -> Any:
    _works_with_applications(request)
    return list(selectors.materials_visible_to(request.user, query=q)[:500])


def _material(request: HttpRequest, pk: int) -> Material:
    """The file, or 404 when the caller may not see it (as :func:`_application`)."""
    _works_with_applications(request)
    material = get_object_or_404(Material.objects.select_related("application", "organisation"), pk=pk)
    draft = material.application if material.application_id else None
    if not permissions.can_view_material(request.user, material) or (
        draft is not None
        and draft.last_submitted_at is None
        and not permissions.can_view_application(request.user, draft)
    ):
        raise Http404
    return material


@router.get("/materials/{int:pk}/download", summary="下载附件", response={200: None})
def download_material(request: HttpRequest, pk: int) -> FileResponse:
    material = _material(request, pk)
    response = FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.original_name,
        content_type=material.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.delete("/materials/{int:pk}", response={204: None}, summary="删除附件（仍可修改时）")
def delete_material(request: HttpRequest, pk: int) -> Any:
    services.material_delete(actor=request.user, material=_material(request, pk))
    return Status(204, None)


@router.post("/provider-materials", response={201: ApplicationMaterialOut}, summary="上传服务商材料")
def upload_provider_material(request: HttpRequest, kind: Form[str], file: File[UploadedFile]) -> Any:
    permissions.can_create_application(request.user).enforce()
    material = services.material_upload(
        actor=request.user,
        organisation=request.user.organisation,  # type: ignore[union-attr,arg-type]
        programme=_programme(),
        kind=kind,
        file=file,
    )
    return Status(201, material)


def _dossier_out(dossier: ProviderDossier | None, organisation: Any) -> dict[str, Any]:
    return {
        "introduction": dossier.introduction if dossier else "",
        "revenue_last_year_wan": dossier.revenue_last_year_wan if dossier else None,
        "sme_contracts": dossier.sme_contracts if dossier else [],
        "qualifications": dossier.qualifications if dossier else [],
        "qualification_notes": dossier.qualification_notes if dossier else "",
        "profile_problems": services.profile_problems(organisation),
    }


@router.get("/dossier", response=DossierOut, summary="申报资料（服务商年度情况）")
def get_dossier(request: HttpRequest) -> Any:
    permissions.can_create_application(request.user).enforce()
    organisation = request.user.organisation  # type: ignore[union-attr]
    return _dossier_out(selectors.dossier_for(organisation.pk, _programme()), organisation)  # type: ignore[union-attr]


@router.put("/dossier", response=DossierOut, summary="修改申报资料")
def update_dossier(request: HttpRequest, payload: DossierIn) -> Any:
    permissions.can_create_application(request.user).enforce()
    organisation = request.user.organisation  # type: ignore[union-attr]
    data = {k: ("" if v is None else v) for k, v in payload.dict(exclude_unset=True).items()}
    dossier = services.dossier_update(
        actor=request.user,
        organisation=organisation,  # type: ignore[arg-type]
        programme=_programme(),
        data=data,
    )
    return _dossier_out(dossier, organisation)

"""Pages: 我的申报, the application form, materials, Excel, 附件管理 and the provider's 申报资料."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from voucher.applications import decisions, permissions, selectors, services
from voucher.applications.choices import (
    PRODUCT_KINDS,
    PROVIDER_KINDS,
    SLOTS,
    ApplicationAction,
    ApplicationStatus,
    MaterialKind,
)
from voucher.applications.excel import ExcelProblems, build_template, differences
from voucher.applications.forms import (
    ApplicationForm,
    DossierForm,
    ExcelImportForm,
    UploadForm,
    application_initial,
    dossier_initial,
)
from voucher.applications.models import Application, Material
from voucher.core import clock
from voucher.programmes.models import ProgrammeYear
from voucher.programmes.selectors import programme_current

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programme() -> ProgrammeYear:
    programme = programme_current()
    if programme is None:
        raise Http404("尚未设置年度政策。")
    return programme


def _apply_errors(request: HttpRequest, form: Any, exc: ValidationError) -> None:
    """Show each problem at its field; the rest (materials, profile, window) above the form."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            messages.error(request, message)
        return
    for field, errors in exc.message_dict.items():
        target = field if form is not None and field in form.fields else None
        if target is None and field == "ip_sales" and form is not None:
            target = "has_ip"
        if target:
            for error in errors:
                form.add_error(target, error)
        else:
            for error in errors:
                messages.error(request, error)


def _application(request: HttpRequest, pk: int) -> Application:
    """An application the user may see. A role that never works with applications is refused (403) before
    any lookup; anyone else gets 404 for one they may not see (another provider's, a draft for the
    Bureau's staff), exactly as for a number that does not exist."""
    permissions.can_use_applications(request.user).enforce()
    application = (
        Application.objects.select_related("programme", "organisation", "direction", "subtype")
        .filter(pk=pk)
        .first()
    )
    if application is None or not permissions.can_view_application(request.user, application):
        raise Http404("没有找到该申报。")
    return application


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    """我的申报 with the guide's tabs: 全部/待提交/待审核/已通过/退回修改/审核不通过."""
    user = request.user
    permissions.can_use_applications(user).enforce()
    status = request.GET.get("status", "")
    if status and status not in ApplicationStatus.values:
        status = ""
    counts = selectors.status_counts(user)
    tabs = [("", "全部", sum(counts.values()))] + [
        (s.value, s.label, counts[s.value]) for s in ApplicationStatus
    ]
    items = list(selectors.application_list(user, status=status or None))
    rows = [
        {
            "application": a,
            "can_edit": permissions.can_edit_application(user, a).allowed,
        }
        for a in items
    ]
    return render(
        request,
        "applications/list.html",
        {
            "rows": rows,
            "tabs": tabs,
            "status": status,
            "can_create": permissions.can_create_application(user).allowed,
            "is_reviewer": bool(permissions.is_reviewer_or_admin(user)),
        },
    )


@login_required
def application_create(request: HttpRequest) -> HttpResponse:
    permissions.can_create_application(request.user).enforce()
    programme = _programme()
    organisation = request.user.organisation  # type: ignore[union-attr]
    initial = {
        "provider_name": organisation.name if organisation else "",
        "contact_name": getattr(request.user, "display_name", ""),
        "contact_mobile": getattr(request.user, "mobile", ""),
    }
    form = ApplicationForm(request.POST or None, programme=programme, initial=initial)
    if request.method == "POST":
        form.is_valid()
        full = request.POST.get("action") == "save"
        try:
            application = services.application_create(
                actor=request.user, programme=programme, data=form.raw(), full_check=full
            )
        except ValidationError as exc:
            _apply_errors(request, form, exc)
        else:
            messages.success(request, "已保存，并通过全量校验。" if full else "已临时保存（未校验）。")
            return redirect("applications:edit", pk=application.pk)
    return render(
        request, "applications/form.html", {"form": form, "programme": programme, "application": None}
    )


@login_required
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The form with 临时保存 / 保存; 提交 is on the detail page with the pledge."""
    application = _application(request, pk)
    decision = permissions.can_edit_application(request.user, application)
    if not decision:
        if request.method == "POST":
            decision.enforce()
        messages.info(request, decision.reason)
        return redirect("applications:detail", pk=pk)
    programme = application.programme
    form = ApplicationForm(
        request.POST or None, programme=programme, initial=application_initial(application)
    )
    if request.method == "POST":
        form.is_valid()
        action = request.POST.get("action", "temp")
        try:
            if action == "save":
                services.application_save(actor=request.user, application=application, data=form.raw())
                messages.success(request, "已保存，并通过全量校验。")
            else:
                services.application_temp_save(actor=request.user, application=application, data=form.raw())
                messages.success(request, "已临时保存（未校验）。")
        except ValidationError as exc:
            _apply_errors(request, form, exc)
        else:
            return redirect("applications:edit", pk=pk)
    return render(
        request, "applications/form.html", {"form": form, "programme": programme, "application": application}
    )


def _slots(kinds: list[str], files: list[Material], problems: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [
        {
            "kind": kind,
            "label": MaterialKind(kind).label,
            "slot": SLOTS[kind],
            "files": [m for m in files if m.kind == kind],
            "problems": problems.get(f"material_{kind}", []),
        }
        for kind in kinds
    ]


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """View an application: values, materials folder, checks, Excel, submit with the pledge, decisions."""
    application = _application(request, pk)
    user = request.user
    editable = permissions.can_edit_application(user, application).allowed
    submit = permissions.can_submit_application(user, application, clock.today())
    problems = services.submission_problems(application) if editable else {}
    provider_files = list(selectors.provider_materials(application.organisation_id, application.programme))
    product_files = list(application.materials.all())
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "editable": editable,
            "submit": submit,
            "window": permissions.application_window(application.programme, clock.today()),
            "problems": problems,
            "form_problems": {k: v for k, v in problems.items() if not k.startswith("material_")},
            "pledge": services.pledge_text(application.programme),
            "provider_slots": _slots(PROVIDER_KINDS, provider_files, problems),
            "product_slots": _slots(PRODUCT_KINDS, product_files, problems),
            "upload_form": UploadForm(product=True),
            "excel_form": ExcelImportForm(),
            "checks": list(application.checks.all()),
            "transactions": list(application.price_transactions.all()),
            "can_decide": decisions.can_decide(user, application).allowed,
            "has_excel": any(m.kind == MaterialKind.FORM_EXCEL for m in product_files),
            "actions": ApplicationAction,
        },
    )


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    try:
        services.application_submit(
            actor=request.user, application=application, pledge_accepted=request.POST.get("pledge") == "on"
        )
    except ValidationError as exc:
        _apply_errors(request, None, exc)
    else:
        messages.success(request, "申报已提交，等待审核；提交后不可修改。")
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    # Decisions go through the review desk: conflict of interest, assignment, decision history (V2).
    application = _application(request, pk)
    decisions.can_decide(request.user, application).enforce()  # before the submitted values
    try:
        decisions.application_decide(
            actor=request.user,
            application=application,
            action=request.POST.get("action", ""),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        _apply_errors(request, None, exc)
    else:
        messages.success(request, "审核结果已记录。")
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def application_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    permissions.can_upload_material(request.user, application.organisation, application).enforce()
    form = UploadForm(request.POST, request.FILES, product=True)
    if not form.is_valid():
        messages.error(request, "请选择材料类型和文件。")
        return redirect("applications:detail", pk=pk)
    try:
        services.material_upload(
            actor=request.user,
            organisation=application.organisation,
            programme=application.programme,
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
            application=application,
        )
    except ValidationError as exc:
        _apply_errors(request, None, exc)
    else:
        messages.success(request, "材料已上传。")
    return redirect("applications:detail", pk=pk)


@login_required
def excel_template(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    response = HttpResponse(build_template(application), content_type=XLSX)
    name = f"{application.folder_name}-配券产品申请表.xlsx"
    from django.utils.encoding import escape_uri_path

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response


@login_required
@require_POST
def excel_import(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    permissions.can_edit_application(request.user, application).enforce()
    form = ExcelImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要导入的Excel文件。")
        return redirect("applications:detail", pk=pk)
    try:
        services.application_import_excel(
            actor=request.user, application=application, file=form.cleaned_data["excel"]
        )
    except ValidationError as exc:
        _apply_errors(request, None, exc)
        return redirect("applications:detail", pk=pk)
    messages.success(request, "已从Excel填充申请表，并保存为申请表Excel版。请检查后点击“保存”。")
    return redirect("applications:edit", pk=pk)


@login_required
def application_differences(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the form and the uploaded Excel differ (the stamped scan prevails, P5)."""
    application = _application(request, pk)
    excel = application.materials.filter(kind=MaterialKind.FORM_EXCEL).order_by("-uploaded_at").first()
    rows: list[dict[str, Any]] = []
    problem = ""
    if excel is not None:
        with excel.file.open("rb") as handle:
            data = handle.read()
        try:
            rows = differences(application, data)
        except ExcelProblems as exc:
            problem = "；".join(exc.messages)
    return render(
        request,
        "applications/differences.html",
        {
            "application": application,
            "excel": excel,
            "rows": rows,
            "problem": problem,
            "scan": application.materials.filter(kind=MaterialKind.FORM_SCAN).first(),
        },
    )


@login_required
def dossier(request: HttpRequest) -> HttpResponse:
    """申报资料: the provider's introduction, revenue, contract list, qualifications and provider-level files."""
    permissions.can_create_application(request.user).enforce()
    programme = _programme()
    organisation = request.user.organisation  # type: ignore[union-attr]
    assert organisation is not None
    current = selectors.dossier_for(organisation.pk, programme)
    form = DossierForm(request.POST or None, programme=programme, initial=dossier_initial(current))
    if request.method == "POST":
        form.is_valid()
        try:
            services.dossier_update(
                actor=request.user, organisation=organisation, programme=programme, data=form.raw()
            )
        except ValidationError as exc:
            _apply_errors(request, form, exc)
        else:
            messages.success(request, "申报资料已保存。")
            return redirect("applications:dossier")
    files = list(selectors.provider_materials(organisation.pk, programme))
    return render(
        request,
        "applications/dossier.html",
        {
            "form": form,
            "programme": programme,
            "organisation": organisation,
            "profile_problems": services.profile_problems(organisation),
            "dossier_problems": services.dossier_problems(current, programme).get("introduction", []),
            "slots": _slots(PROVIDER_KINDS, files, {}),
            "upload_form": UploadForm(product=False),
        },
    )


@login_required
@require_POST
def dossier_upload(request: HttpRequest) -> HttpResponse:
    permissions.can_create_application(request.user).enforce()
    programme = _programme()
    form = UploadForm(request.POST, request.FILES, product=False)
    if not form.is_valid():
        messages.error(request, "请选择材料类型和文件。")
        return redirect("applications:dossier")
    try:
        services.material_upload(
            actor=request.user,
            organisation=request.user.organisation,  # type: ignore[union-attr,arg-type]
            programme=programme,
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
        )
    except ValidationError as exc:
        _apply_errors(request, None, exc)
    else:
        messages.success(request, "材料已上传。")
    return redirect("applications:dossier")


@login_required
def attachments(request: HttpRequest) -> HttpResponse:
    """附件管理: every file the user may read, searchable by name, each openable or downloadable."""
    user = request.user
    permissions.can_use_applications(user).enforce()
    query = request.GET.get("q", "")
    items = list(selectors.materials_visible_to(user, query=query)[:500])
    return render(request, "applications/attachments.html", {"items": items, "query": query})


def _material(request: HttpRequest, pk: int) -> Material:
    """A file the user may read: 403 for a role that never works with applications, else 404 for a file
    of another organisation or of a draft the user may not see, as for one that does not exist."""
    permissions.can_use_applications(request.user).enforce()
    material = Material.objects.select_related("application", "organisation").filter(pk=pk).first()
    if material is None or not permissions.can_view_material(request.user, material):
        raise Http404("没有找到该附件。")
    application = material.application
    if application is not None and not permissions.can_view_application(request.user, application):
        raise Http404("没有找到该附件。")
    return material


def _file_response(material: Material, *, inline: bool) -> FileResponse:
    response = FileResponse(
        material.file.open("rb"),
        as_attachment=not inline,
        filename=material.original_name,
        content_type=material.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@xframe_options_sameorigin
@login_required
def attachment_preview(request: HttpRequest, pk: int) -> FileResponse:
    material = _material(request, pk)
    return _file_response(material, inline=material.is_inline_viewable)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    return _file_response(_material(request, pk), inline=False)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    material = _material(request, pk)
    back = request.POST.get("next", "")
    try:
        services.material_delete(actor=request.user, material=material)
    except ValidationError as exc:
        _apply_errors(request, None, exc)
    else:
        messages.success(request, f"已删除“{material.original_name}”。")
    if back.startswith("/applications/"):
        return redirect(back)
    return redirect("applications:attachments")

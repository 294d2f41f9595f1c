"""Pages: sign-up, the authentication wizard (认证 → 划型 → 结果), quota, industry picker, admin lists."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from voucher.accounts.models import Organisation
from voucher.core.background import job_service
from voucher.core.htmx import inline_field_check
from voucher.enterprises import services
from voucher.enterprises.forms import (
    AuthenticateForm,
    ClassificationReviewForm,
    ClassifyForm,
    CreditEntryForm,
    CreditImportForm,
    SignupForm,
)
from voucher.enterprises.models import (
    CreditCheck,
    CreditListEntry,
    CreditListImport,
    SizeClassification,
)
from voucher.enterprises.pdf import pledge_pdf
from voucher.enterprises.permissions import (
    can_act_for_enterprise,
    can_list_enterprises,
    can_manage_credit_list,
    can_read_enterprises,
    can_review_classification,
    can_view_enterprise,
)
from voucher.enterprises.selectors import (
    classification_history,
    classifications_visible_to,
    credit_imports,
    credit_list,
    digital_marketing_eligible,
    enterprise_status,
    industry_search,
)
from voucher.programmes.selectors import programme_current

ORDER_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,40}$")
# Every 小类 of GB/T 4754-2017 (1,381) fits in the picker's list.
INDUSTRY_CLASSES_MAX = 2000


def _visible_enterprise(request: HttpRequest, pk: int) -> Organisation:
    """An enterprise the user may view. A role that never reads enterprise records is refused (403) before
    any lookup; anyone else gets 404 for an enterprise they may not see, exactly as for a number that does
    not exist, so nobody can probe which enterprises are registered."""
    can_read_enterprises(request.user).enforce()
    organisation = Organisation.objects.filter(pk=pk, is_enterprise=True).first()
    if organisation is None or not can_view_enterprise(request.user, organisation):
        raise Http404("没有找到该企业。")
    return organisation


def _apply_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _own_organisation(request: HttpRequest) -> Organisation:
    """The enterprise the user acts for; 403 for other roles."""
    organisation = getattr(request.user, "organisation", None)
    if organisation is None:
        raise PermissionDenied("当前账号未关联企业。")
    decision = can_act_for_enterprise(request.user, organisation)
    if not decision or not request.user.has_role("enterprise"):  # type: ignore[union-attr]
        raise PermissionDenied(decision.reason or "此功能仅限企业用户使用。")
    return organisation


def signup(request: HttpRequest) -> HttpResponse:
    """Step 0 for a new enterprise: register with the credit code (checked at once) and log in."""
    if request.user.is_authenticated:
        return redirect("enterprises:wizard")
    form = SignupForm(request.POST or None)
    checked = inline_field_check(request, form, {"uscc": services.uscc_registrable})
    if checked is not None:
        return checked
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.enterprise_register(
                name=data["name"],
                uscc=data["uscc"],
                username=data["username"],
                password=data["password"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                registered_address=data["registered_address"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            login(request, user, backend="voucher.accounts.backends.PasswordBackend")
            messages.success(request, "注册成功，企业认证已通过。请继续完成企业划型认证。")
            return redirect("enterprises:classify")
    return render(request, "enterprises/signup.html", {"form": form, "inline_validation": True})


@login_required
def wizard(request: HttpRequest) -> HttpResponse:
    """Send the enterprise to its next step."""
    organisation = _own_organisation(request)
    status = enterprise_status(user=request.user, organisation=organisation, programme=programme_current())
    return redirect(f"enterprises:{status.step}")


@login_required
def authenticate_step(request: HttpRequest) -> HttpResponse:
    """Step 1: enter or confirm the credit code and the organisation's details."""
    organisation = _own_organisation(request)
    status = enterprise_status(user=request.user, organisation=organisation, programme=programme_current())
    initial = {
        "uscc": organisation.uscc or "",
        "name": organisation.name,
        "registered_address": organisation.registered_address,
    }
    form = AuthenticateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            auth = services.enterprise_authenticate(
                actor=request.user,
                organisation=organisation,
                uscc=data["uscc"],
                name=data["name"],
                registered_address=data["registered_address"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if auth.verified:
                messages.success(request, "企业认证已通过。")
                return redirect("enterprises:classify")
            return redirect("enterprises:result")
    return render(request, "enterprises/authenticate.html", {"form": form, "status": status, "step": 1})


@login_required
def classify_step(request: HttpRequest) -> HttpResponse:
    """Step 2: declare industry, employees, revenue and assets of the previous year."""
    organisation = _own_organisation(request)
    programme = programme_current()
    status = enterprise_status(user=request.user, organisation=organisation, programme=programme)
    if status.authentication is None or not status.authentication.verified:
        messages.error(request, "请先完成企业认证。")
        return redirect("enterprises:authenticate")
    initial: dict[str, Any] = {}
    if status.classification:
        c = status.classification
        initial = {
            "industry_code": c.industry.code,
            "employees": c.employees,
            "revenue_wan": c.revenue_wan,
            "assets_wan": c.assets_wan,
        }
    form = ClassifyForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid() and programme is not None:
        data = form.cleaned_data
        try:
            services.enterprise_classify(
                actor=request.user,
                organisation=organisation,
                programme=programme,
                industry_code=data["industry_code"],
                employees=data["employees"],
                revenue_wan=data["revenue_wan"],
                assets_wan=data["assets_wan"],
                evidence=data.get("evidence"),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("enterprises:result")
    return render(
        request,
        "enterprises/classify.html",
        {
            "form": form,
            "status": status,
            "programme": programme,
            "industries": industry_search(level="class", limit=INDUSTRY_CLASSES_MAX),
            "step": 2,
        },
    )


def _result_context(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    programme = programme_current()
    status = enterprise_status(user=request.user, organisation=organisation, programme=programme)
    history = classification_history(organisation=organisation)
    return {
        "status": status,
        "programme": programme,
        "history": history,
        "credit_checks": CreditCheck.objects.filter(organisation=organisation)[:10],
        "digital_marketing": digital_marketing_eligible(
            status.classification.industry if status.classification else None, programme
        ),
        "step": 3,
    }


@login_required
def result(request: HttpRequest) -> HttpResponse:
    """Step 3: the outcome, with the exact reason when refused, and the pledge download."""
    organisation = _own_organisation(request)
    return render(request, "enterprises/result.html", _result_context(request, organisation))


def _pledge_response(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    order = request.GET.get("order", "").strip()
    if order and not ORDER_NUMBER.fullmatch(order):
        return HttpResponse("订单编号格式不正确。", status=400, content_type="text/plain; charset=utf-8")
    classification = (
        SizeClassification.objects.select_related(
            "organisation", "programme", "industry", "industry_group", "standard"
        )
        .filter(organisation=organisation, is_current=True, eligible=True)
        .order_by("-programme__year")
        .first()
    )
    if classification is None:
        return HttpResponse(
            "尚无符合条件的划型结果，不能生成划型及用券承诺。",
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(
        pledge_pdf(classification=classification, order_number=order or None), content_type="application/pdf"
    )
    suffix = f"-{order}" if order else ""
    response["Content-Disposition"] = f'attachment; filename="pledge-{organisation.uscc}{suffix}.pdf"'
    return response


@login_required
def pledge(request: HttpRequest) -> HttpResponse:
    """The 中小微企业划型及用券承诺 PDF of the user's enterprise; ``?order=`` puts an order number on it."""
    return _pledge_response(request, _own_organisation(request))


@login_required
def pledge_for(request: HttpRequest, pk: int) -> HttpResponse:
    """The pledge of any enterprise the user may view (admins, reviewers, its own users)."""
    organisation = _visible_enterprise(request, pk)
    return _pledge_response(request, organisation)


@login_required
def quota(request: HttpRequest) -> HttpResponse:
    """Available, reserved, committed and paid amounts of this year's quota, and the ledger."""
    organisation = _own_organisation(request)
    status = enterprise_status(user=request.user, organisation=organisation, programme=programme_current())
    entries = status.account.entries.order_by("-id")[:100] if status.account else []
    return render(request, "enterprises/quota.html", {"status": status, "entries": entries})


def industries(request: HttpRequest) -> HttpResponse:
    """The searchable GB/T 4754-2017 picker (public: the classification is public knowledge)."""
    query = request.GET.get("q", "")
    return render(
        request, "enterprises/industries.html", {"query": query, "codes": industry_search(query, limit=300)}
    )


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    """Admins and reviewers: every enterprise's current classification and quota."""
    can_list_enterprises(request.user).enforce()
    rows = classifications_visible_to(request.user).order_by("-classified_at")
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(organisation__name__contains=query) | rows.filter(
            organisation__uscc__icontains=query
        )
    return render(request, "enterprises/list.html", {"rows": rows[:500], "query": query})


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_enterprise(request, pk)
    context = _result_context(request, organisation)
    account = context["status"].account
    context["entries"] = account.entries.order_by("-id")[:100] if account else []
    context["can_review"] = bool(can_review_classification(request.user))
    context["review_form"] = ClassificationReviewForm()
    return render(request, "enterprises/detail.html", context)


@login_required
@require_POST
def classification_review(request: HttpRequest, pk: int, classification_pk: int) -> HttpResponse:
    """Admin: confirm or reject a re-declaration waiting for its supporting statement to be checked."""
    organisation = _visible_enterprise(request, pk)
    record = get_object_or_404(SizeClassification, pk=classification_pk, organisation=organisation)
    form = ClassificationReviewForm(request.POST)
    form.is_valid()
    confirm = request.POST.get("decision") == "confirm"
    try:
        services.classification_review(
            actor=request.user, classification=record, confirm=confirm, note=form.cleaned_data.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已确认划型变更，新的划型结果生效。" if confirm else "已不予确认划型变更。")
    return redirect("enterprises:detail", pk=organisation.pk)


@login_required
def credit_list_page(request: HttpRequest) -> HttpResponse:
    """Admin: the credit list, one-by-one entry and file import (read by a background job, preview first)."""
    can_manage_credit_list(request.user).enforce()
    entry_form = CreditEntryForm(request.POST if request.POST.get("action") == "add" else None)
    import_form = CreditImportForm(
        request.POST if request.POST.get("action") == "import" else None,
        request.FILES if request.POST.get("action") == "import" else None,
    )
    if request.method == "POST" and request.POST.get("action") == "add" and entry_form.is_valid():
        try:
            services.credit_list_entry_create(actor=request.user, **entry_form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(entry_form, exc)
        else:
            messages.success(request, "已加入信用名单。")
            return redirect("enterprises:credit_list")
    if request.method == "POST" and request.POST.get("action") == "import" and import_form.is_valid():
        try:
            job = job_service("credit_list_import")(actor=request.user, file=import_form.cleaned_data["file"])
        except ValidationError as exc:
            _apply_errors(import_form, exc)
        else:  # the rows are read by a background job, which then leads to the preview
            return redirect("tasks:job_detail", pk=job.pk)
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "enterprises/credit_list.html",
        {
            "entries": credit_list(user=request.user, query=query)[:500],
            "imports": credit_imports(user=request.user)[:10],
            "entry_form": entry_form,
            "import_form": import_form,
            "query": query,
        },
    )


@login_required
def credit_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Admin: preview an uploaded list with its row errors, then import the valid rows (a background job
    with progress) or discard."""
    can_manage_credit_list(request.user).enforce()
    batch = get_object_or_404(CreditListImport, pk=pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "apply":  # the rows are added by a background job
                job = job_service("credit_list_apply")(actor=request.user, batch=batch)
                return redirect("tasks:job_detail", pk=job.pk)
            else:
                services.credit_list_import_discard(actor=request.user, batch=batch)
                messages.success(request, "已放弃本次导入。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("enterprises:credit_list")
    return render(request, "enterprises/credit_import.html", {"batch": batch})


@login_required
@require_POST
def credit_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    can_manage_credit_list(request.user).enforce()
    entry = get_object_or_404(CreditListEntry, pk=pk)
    services.credit_list_entry_deactivate(actor=request.user, entry=entry, note=request.POST.get("note", ""))
    messages.success(request, "已移出有效名单。")
    return redirect("enterprises:credit_list")

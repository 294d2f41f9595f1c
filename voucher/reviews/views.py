"""Pages: the review queue and review page (V1, V2), assignment, notices and objections (V3)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from voucher.applications.choices import ApplicationStatus, MaterialKind
from voucher.applications.excel import ExcelProblems, differences
from voucher.applications.models import Application
from voucher.applications.permissions import can_use_applications, can_view_application
from voucher.applications.selectors import provider_materials
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.core.permissions import Decision, has_capability
from voucher.core.ratelimits import enforce_objection_limits
from voucher.programmes.models import Direction
from voucher.programmes.selectors import programme_current
from voucher.reviews import permissions, selectors, services
from voucher.reviews.choices import NoticePhase
from voucher.reviews.forms import (
    AssignForm,
    DecisionForm,
    NoticeForm,
    ObjectionForm,
    ResolutionForm,
    apply_errors,
)
from voucher.reviews.models import Notice, ReviewAssignment


def _application(request: HttpRequest, pk: int, role: Decision) -> Application:
    """An application the user may see, for a page whose ``role`` check the user passed (403 otherwise,
    before any lookup); 404 for one the user may not see, exactly as for a number that does not exist."""
    role.enforce()
    application = (
        Application.objects.select_related(
            "programme", "organisation", "direction", "direction__field", "subtype"
        )
        .filter(pk=pk)
        .first()
    )
    if application is None or not can_view_application(request.user, application):
        raise Http404("没有找到该申报。")
    return application


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """评审队列 (V1, P10): filter by direction and status, highest priority first, overdue marked."""
    user = request.user
    permissions.can_use_queue(user).enforce()
    status = request.GET.get("status", ApplicationStatus.SUBMITTED)
    if status not in selectors.QUEUE_STATUSES:
        status = ""
    direction = request.GET.get("direction", "")
    mine = request.GET.get("mine") == "1"
    items = selectors.review_queue(user, direction=direction, status=status, mine=mine)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    programme = programme_current()
    is_admin = has_capability(user, "reviews.manage")
    rows = [
        {
            "application": a,
            "assigned": [x.reviewer for x in a.review_assignments.all()],
            "overdue": is_admin and selectors.is_overdue(a),
            "can_decide": permissions.can_decide(
                user, a, {x.reviewer_id for x in a.review_assignments.all()}
            ).allowed,
        }
        for a in page.object_list
    ]
    return render(
        request,
        "reviews/queue.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "direction": direction,
            "mine": mine,
            "statuses": [(s.value, s.label) for s in selectors.QUEUE_STATUSES],
            "directions": Direction.objects.filter(programme=programme).order_by("number")
            if programme
            else [],
            "programme": programme,
            "deadline_passed": programme is not None and clock.today() > programme.review_deadline,
            "is_admin": is_admin,
        },
    )


def _differences(application: Application) -> tuple[list[dict[str, Any]], str, Any]:
    excel = application.materials.filter(kind=MaterialKind.FORM_EXCEL).order_by("-uploaded_at").first()
    if excel is None:
        return [], "", None
    try:
        with excel.file.open("rb") as handle:
            rows = differences(application, handle.read())
    except ExcelProblems as exc:
        return [], "；".join(exc.messages), excel
    except OSError:
        return [], "申请表Excel文件无法读取。", excel
    return rows, "", excel


def review_context(user: Any, application: Application) -> dict[str, Any]:
    assignments = list(application.review_assignments.select_related("reviewer", "assigned_by"))
    assigned = {a.reviewer_id for a in assignments}
    diff_rows, diff_problem, excel = _differences(application)
    product_files = list(application.materials.all())
    return {
        "application": application,
        "product_files": product_files,
        "provider_files": list(provider_materials(application.organisation_id, application.programme)),
        "checks": list(application.checks.all()),
        "transactions": list(application.price_transactions.all()),
        "diff_rows": [r for r in diff_rows if r["differs"]],
        "diff_count": len(diff_rows),
        "diff_problem": diff_problem,
        "excel": excel,
        "scan": next((m for m in product_files if m.kind == MaterialKind.FORM_SCAN), None),
        "decisions": list(selectors.decisions_for(application)),
        "assignments": assignments,
        "decide": permissions.can_decide(user, application, assigned),
        "assign": permissions.can_assign(user, application),
        "overdue": selectors.is_overdue(application),
        "deadline": application.programme.review_deadline,
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """评审页: the whole form, every material with inline preview, checks, Excel/scan differences, decisions."""
    application = _application(request, pk, permissions.can_use_queue(request.user))
    permissions.can_review_application(request.user, application).enforce()
    context = review_context(request.user, application)
    context["decision_form"] = DecisionForm()
    context["assign_form"] = AssignForm(reviewers=selectors.reviewers_available(application))
    return render(request, "reviews/detail.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, permissions.can_use_queue(request.user))
    permissions.can_decide(request.user, application).enforce()
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = services.review_decide(
                actor=request.user,
                application=application,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"审核结果“{decision.get_action_display()}”已记录，并已通知服务商。")
            return redirect("reviews:detail", pk=pk)
    context = review_context(request.user, application)
    context["decision_form"] = form
    context["assign_form"] = AssignForm(reviewers=selectors.reviewers_available(application))
    return render(request, "reviews/detail.html", context, status=422)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, permissions.can_manage_reviews(request.user))
    permissions.can_assign(request.user, application).enforce()
    form = AssignForm(request.POST, reviewers=selectors.reviewers_available(application))
    if form.is_valid():
        try:
            services.review_assign(
                actor=request.user, application=application, reviewer=form.cleaned_data["reviewer"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"已分配给{form.cleaned_data['reviewer']}。")
    else:
        messages.error(request, "请选择可分配的评审专家（不能选择申报单位本单位的人员）。")
    return redirect("reviews:detail", pk=pk)


@login_required
@require_POST
def unassign(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.can_manage_reviews(request.user).enforce()
    assignment = get_object_or_404(ReviewAssignment.objects.select_related("application"), pk=pk)
    services.review_unassign(actor=request.user, assignment=assignment)
    messages.success(request, "已取消分配。")
    return redirect("reviews:detail", pk=assignment.application_id)


@login_required
def decisions(request: HttpRequest, pk: int) -> HttpResponse:
    """审核记录: every decision with reviewer and time, visible to the provider that applied (V2)."""
    application = _application(request, pk, can_use_applications(request.user))
    permissions.can_view_decisions(request.user, application).enforce()
    return render(
        request,
        "reviews/decisions.html",
        {"application": application, "decisions": list(selectors.decisions_for(application))},
    )


# --- Notices (admins) -------------------------------------------------------------------------


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    permissions.can_manage_notices(request.user).enforce()
    today = clock.today()
    notices = [(n, n.phase(today)) for n in selectors.notices_all()]
    programme = programme_current()
    return render(
        request,
        "reviews/notice_list.html",
        {
            "notices": notices,
            "phases": NoticePhase,
            "candidates": selectors.approved_not_noticed(programme).count(),
        },
    )


@login_required
def notice_create(request: HttpRequest) -> HttpResponse:
    """发布公示 (V3): choose approved products, start date, end date (default: the year's notice period)."""
    permissions.can_manage_notices(request.user).enforce()
    programme = programme_current()
    if programme is None:
        raise Http404("尚未设置年度政策。")
    candidates = selectors.approved_not_noticed(programme)
    form = NoticeForm(
        request.POST or None,
        candidates=candidates,
        initial={"starts_on": clock.today(), "applications": list(candidates)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_publish(
                actor=request.user,
                programme=programme,
                applications=list(form.cleaned_data["applications"]),
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"公示已发布：{notice.starts_on:%Y-%m-%d} 至 {notice.ends_on:%Y-%m-%d}。"
            )
            return redirect("reviews:notice_detail", pk=notice.pk)
    return render(
        request,
        "reviews/notice_form.html",
        {"form": form, "programme": programme, "period_days": programme.notice_period_days},
    )


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """公示管理: the products, every objection with its resolution form, and closing the notice."""
    permissions.can_manage_notices(request.user).enforce()
    notice = get_object_or_404(Notice, pk=pk)
    today = clock.today()
    objections = [
        (o, ResolutionForm(prefix=f"o{o.pk}"), permissions.can_resolve_objection(request.user, o))
        for o in selectors.notice_objections(notice)
    ]
    return render(
        request,
        "reviews/notice_detail.html",
        {
            "notice": notice,
            "phase": notice.phase(today),
            "items": list(selectors.notice_items(notice)),
            "objections": objections,
            "close": permissions.can_close_notice(request.user, notice, today),
        },
    )


@login_required
@require_POST
def notice_close(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.can_manage_notices(request.user).enforce()
    notice = get_object_or_404(Notice, pk=pk)
    try:
        services.notice_close(actor=request.user, notice=notice)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "公示已结束，无成立异议的产品已转为待上线。")
    return redirect("reviews:notice_detail", pk=pk)


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.can_manage_notices(request.user).enforce()
    objection = get_object_or_404(selectors.product_objections(), pk=pk)
    permissions.can_resolve_objection(request.user, objection).enforce()
    form = ResolutionForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        try:
            services.objection_resolve(
                actor=request.user,
                objection=objection,
                action=form.cleaned_data["action"],
                resolution=form.cleaned_data["resolution"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "异议处理结果已记录。")
    else:
        messages.error(request, "请选择处理结果并填写处理意见。")
    return redirect("reviews:notice_detail", pk=objection.notice_id)


@login_required
def objection_file(request: HttpRequest, pk: int) -> FileResponse:
    permissions.can_view_objection_file(request.user).enforce()
    return objection_file_response(get_object_or_404(selectors.product_objections(), pk=pk))


def objection_file_response(objection: Any) -> FileResponse:
    """An objection's evidence file (product or payout notice): PDFs and images inline, other types as
    downloads, never sniffed or cached."""
    if not objection.file:
        raise Http404("该异议没有附件。")
    inline = objection.file_content_type in {"application/pdf", "image/png", "image/jpeg"}
    response = FileResponse(
        objection.file.open("rb"),
        as_attachment=not inline,
        filename=objection.file_name,
        content_type=objection.file_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Public pages (no login) ------------------------------------------------------------------


def public_notices(request: HttpRequest) -> HttpResponse:
    """公示公告: every notice that has started, for anyone."""
    today = clock.today()
    notices = [(n, n.phase(today)) for n in selectors.notices_public()]
    return render(request, "reviews/public_notices.html", {"notices": notices, "phases": NoticePhase})


def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """One notice with its products and, during the period, the objection form (V3)."""
    notice = get_object_or_404(selectors.notices_public(), pk=pk)
    today = clock.today()
    filing = permissions.can_file_objection(notice, today)
    items = list(selectors.notice_items(notice))
    products = Product.objects.filter(notice_item__notice=notice).order_by("notice_item__position")
    form = ObjectionForm(request.POST or None, request.FILES or None, products=products)
    if request.method == "POST":
        if not filing:
            raise PermissionDenied(filing.reason)
        enforce_objection_limits(request, "product", notice.pk)
        if form.is_valid():
            try:
                services.objection_file(
                    actor=request.user,
                    notice=notice,
                    product=form.cleaned_data["product"],
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    text=form.cleaned_data["text"],
                    file=form.cleaned_data.get("file"),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "异议已提交，市经信局将核实处理。")
                return redirect("reviews:public_notice", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "reviews/public_notice.html",
        {
            "notice": notice,
            "phase": notice.phase(today),
            "items": items,
            "filing": filing,
            "form": form,
            "upheld": selectors.upheld_product_ids(notice),
        },
        status=status,
    )

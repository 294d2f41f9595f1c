"""API endpoints of reviewing and notices (/api/v1/reviews): the same services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from voucher.accounts.models import User
from voucher.applications.choices import ApplicationStatus
from voucher.applications.models import Application
from voucher.applications.permissions import is_provider, is_reviewer_or_admin
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.core.api_schema import BoundedDate, ErrorOut
from voucher.core.ratelimits import enforce_objection_limits
from voucher.programmes.selectors import programme_current
from voucher.reviews import permissions, selectors, services
from voucher.reviews.models import Notice, Objection, ReviewAssignment, ReviewDecision
from voucher.reviews.views import review_context

router = Router(tags=["reviews"])


class AssignmentOut(Schema):
    id: int
    reviewer_id: int
    reviewer: str
    assigned_at: dt.datetime

    @staticmethod
    def resolve_reviewer(obj: ReviewAssignment) -> str:
        return obj.reviewer.get_username()


class QueueItemOut(Schema):
    id: int
    product_name: str
    organisation: str
    direction: int | None
    status: str
    status_label: str
    priority_score: int
    last_submitted_at: dt.datetime | None
    failed_checks: int
    unknown_checks: int
    overdue: bool
    assigned_reviewers: list[str]

    @staticmethod
    def resolve_organisation(obj: Application) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_direction(obj: Application) -> int | None:
        return obj.direction.number if obj.direction else None

    @staticmethod
    def resolve_status_label(obj: Application) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj: Application) -> bool:
        return selectors.is_overdue(obj)

    @staticmethod
    def resolve_assigned_reviewers(obj: Application) -> list[str]:
        return [a.reviewer.get_username() for a in obj.review_assignments.all()]


class DecisionOut(Schema):
    id: int
    application_id: int
    action: str
    action_label: str
    status_after: str
    comment: str
    reviewer: str
    decided_at: dt.datetime

    @staticmethod
    def resolve_action_label(obj: ReviewDecision) -> str:
        return obj.get_action_display()

    @staticmethod
    def resolve_reviewer(obj: ReviewDecision) -> str:
        return str(obj.reviewer)


class ReviewCheckOut(Schema):
    code: str
    title: str
    outcome: str
    message: str
    evidence: dict[str, Any]


class ReviewMaterialOut(Schema):
    id: int
    kind: str
    original_name: str
    content_type: str
    inline_viewable: bool
    preview_url: str


class ReviewDifferenceOut(Schema):
    key: str
    label: str
    form: str
    excel: str
    differs: bool


class ReviewOut(Schema):
    id: int
    product_name: str
    status: str
    review_deadline: dt.date
    overdue: bool
    can_decide: bool
    decide_refusal: str
    checks: list[ReviewCheckOut]
    materials: list[ReviewMaterialOut]
    differences: list[ReviewDifferenceOut]
    difference_problem: str
    assignments: list[AssignmentOut]
    decisions: list[DecisionOut]


class ReviewDecisionIn(Schema):
    action: str
    comment: str = ""


class ReviewAssignIn(Schema):
    reviewer_id: int


class NoticeIn(Schema):
    application_ids: list[int]
    starts_on: BoundedDate
    ends_on: BoundedDate | None = None
    title: str = ""


class NoticeProductOut(Schema):
    id: int
    name: str
    provider_name: str
    direction: int
    price_display: str
    status: str

    @staticmethod
    def resolve_direction(obj: Product) -> int:
        return obj.direction.number


class NoticeOut(Schema):
    id: int
    title: str
    starts_on: dt.date
    ends_on: dt.date
    phase: str
    objections_accepted: bool
    products: list[NoticeProductOut]


class ReviewObjectionOut(Schema):
    id: int
    notice_id: int
    product_id: int
    product_name: str
    name: str
    contact: str
    text: str
    has_file: bool
    filed_at: dt.datetime
    status: str
    resolution: str
    resolved_at: dt.datetime | None

    @staticmethod
    def resolve_product_name(obj: Objection) -> str:
        return obj.product.name if obj.product else ""

    @staticmethod
    def resolve_has_file(obj: Objection) -> bool:
        return bool(obj.file)


class ObjectionReceipt(Schema):
    id: int
    filed_at: dt.datetime
    status: str


class ResolutionIn(Schema):
    action: str
    resolution: str


def _notice_out(notice: Notice) -> dict[str, Any]:
    today = clock.today()
    return {
        "id": notice.pk,
        "title": notice.title,
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "phase": notice.phase(today),
        "objections_accepted": bool(permissions.can_file_objection(notice, today)),
        "products": [i.product for i in selectors.notice_items(notice)],
    }


def _review(request: HttpRequest, pk: int) -> Application:
    """Reviewers and the Bureau only (403 for every other role, whatever the number); a draft never
    submitted is the provider's alone (404)."""
    permissions.can_use_queue(request.user).enforce()
    application = get_object_or_404(
        Application.objects.select_related("programme", "organisation", "direction"),
        pk=pk,
        last_submitted_at__isnull=False,
    )
    permissions.can_review_application(request.user, application).enforce()
    return application


@router.get("/queue", response=list[QueueItemOut], summary="评审队列（按优先度排序，可按方向、状态筛选）")
def queue(
    request: HttpRequest, status: str = ApplicationStatus.SUBMITTED, direction: str = "", mine: bool = False
) -> Any:
    permissions.can_use_queue(request.user).enforce()
    return list(selectors.review_queue(request.user, status=status, direction=direction, mine=mine)[:500])


@router.get(
    "/applications/{int:pk}", response=ReviewOut, summary="评审详情：核验、材料、Excel差异、分配、审核记录"
)
def review_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    application = _review(request, pk)
    context = review_context(request.user, application)
    materials = [*context["product_files"], *context["provider_files"]]
    return {
        "id": application.pk,
        "product_name": application.product_name,
        "status": application.status,
        "review_deadline": context["deadline"],
        "overdue": context["overdue"],
        "can_decide": context["decide"].allowed,
        "decide_refusal": context["decide"].reason,
        "checks": context["checks"],
        "materials": [
            {
                "id": m.pk,
                "kind": m.kind,
                "original_name": m.original_name,
                "content_type": m.content_type,
                "inline_viewable": m.is_inline_viewable,
                "preview_url": f"/applications/attachments/{m.pk}/",
            }
            for m in materials
        ],
        "differences": context["diff_rows"],
        "difference_problem": context["diff_problem"],
        "assignments": context["assignments"],
        "decisions": context["decisions"],
    }


@router.post(
    "/applications/{int:pk}/decision",
    response={201: DecisionOut},
    summary="审核：通过/退回修改（须填意见）/不通过（须填理由）",
)
def decide(request: HttpRequest, pk: int, payload: ReviewDecisionIn) -> Any:
    application = _review(request, pk)
    decision = services.review_decide(
        actor=request.user, application=application, action=payload.action, comment=payload.comment
    )
    return Status(201, decision)


@router.get(
    "/applications/{int:pk}/decisions", response=list[DecisionOut], summary="审核记录（服务商可查看本单位的）"
)
def decisions(request: HttpRequest, pk: int) -> Any:
    if not (is_provider(request.user) or is_reviewer_or_admin(request.user)):
        raise PermissionDenied("此功能仅限服务商、评审机构和市经信局使用。")
    application = get_object_or_404(Application, pk=pk)
    if not permissions.can_view_decisions(request.user, application):
        raise Http404  # another provider's application, or a draft never submitted
    return list(selectors.decisions_for(application))


@router.post(
    "/applications/{int:pk}/assignments", response={201: AssignmentOut}, summary="分配评审专家（市经信局）"
)
def assign(request: HttpRequest, pk: int, payload: ReviewAssignIn) -> Any:
    permissions.can_manage_reviews(request.user).enforce()
    application = get_object_or_404(Application, pk=pk)
    permissions.can_assign(request.user, application).enforce()
    reviewer = get_object_or_404(User, pk=payload.reviewer_id)
    return Status(201, services.review_assign(actor=request.user, application=application, reviewer=reviewer))


@router.delete("/assignments/{int:pk}", response={204: None}, summary="取消分配（市经信局）")
def unassign(request: HttpRequest, pk: int) -> Any:
    permissions.can_manage_reviews(request.user).enforce()
    assignment = get_object_or_404(ReviewAssignment, pk=pk)
    services.review_unassign(actor=request.user, assignment=assignment)
    return Status(204, None)


@router.get("/notices", response=list[NoticeOut], summary="公示列表（市经信局）")
def notices(request: HttpRequest) -> Any:
    permissions.can_manage_notices(request.user).enforce()
    return [_notice_out(n) for n in selectors.notices_all()]


@router.post("/notices", response={201: NoticeOut}, summary="发布公示（市经信局）")
def publish(request: HttpRequest, payload: NoticeIn) -> Any:
    permissions.can_manage_notices(request.user).enforce()
    programme = programme_current()
    if programme is None:
        raise Http404
    applications = list(Application.objects.filter(pk__in=payload.application_ids))
    notice = services.notice_publish(
        actor=request.user,
        programme=programme,
        applications=applications,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        title=payload.title,
    )
    return Status(201, _notice_out(notice))


@router.post("/notices/{int:pk}/close", response=NoticeOut, summary="结束公示，产品转为待上线（市经信局）")
def close(request: HttpRequest, pk: int) -> Any:
    permissions.can_manage_notices(request.user).enforce()
    notice = get_object_or_404(Notice, pk=pk)
    return _notice_out(services.notice_close(actor=request.user, notice=notice))


@router.get("/notices/{int:pk}/objections", response=list[ReviewObjectionOut], summary="公示异议（市经信局）")
def objections(request: HttpRequest, pk: int) -> Any:
    permissions.can_manage_notices(request.user).enforce()
    notice = get_object_or_404(Notice, pk=pk)
    return list(selectors.notice_objections(notice))


@router.post(
    "/objections/{int:pk}/resolution",
    response=ReviewObjectionOut,
    summary="处理异议：成立/不成立（市经信局）",
)
def resolve(request: HttpRequest, pk: int, payload: ResolutionIn) -> Any:
    permissions.can_manage_notices(request.user).enforce()
    objection = get_object_or_404(selectors.product_objections(), pk=pk)
    return services.objection_resolve(
        actor=request.user, objection=objection, action=payload.action, resolution=payload.resolution
    )


@router.get("/public/notices", response=list[NoticeOut], auth=None, summary="公示公告（公开）")
def public_notices(request: HttpRequest) -> Any:
    return [_notice_out(n) for n in selectors.notices_public()]


@router.get("/public/notices/{int:pk}", response=NoticeOut, auth=None, summary="公示详情（公开）")
def public_notice(request: HttpRequest, pk: int) -> Any:
    return _notice_out(get_object_or_404(selectors.notices_public(), pk=pk))


@router.post(
    "/public/notices/{int:pk}/objections",
    response={201: ObjectionReceipt, 429: ErrorOut},
    auth=None,
    summary="提出异议（公开，仅公示期内；可附 PDF/图片）",
)
def file_objection(
    request: HttpRequest,
    pk: int,
    product_id: Form[int],
    name: Form[str],
    contact: Form[str],
    text: Form[str],
    file: File[UploadedFile] | None = None,
) -> Any:
    notice = get_object_or_404(selectors.notices_public(), pk=pk)
    enforce_objection_limits(request, "product", notice.pk)
    product = get_object_or_404(Product, pk=product_id)
    objection = services.objection_file(
        actor=request.user, notice=notice, product=product, name=name, contact=contact, text=text, file=file
    )
    return Status(201, objection)

"""Writes for reviewing and public notices (SPEC V1–V4).

Decisions go through the applications services (the transition table lives there); this module
adds the review rules on top — conflict of interest and assignment — and keeps every decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction

from voucher.accounts.choices import Role
from voucher.accounts.models import User
from voucher.applications import services as application_services
from voucher.applications.choices import ApplicationAction, ApplicationStatus
from voucher.applications.models import Application
from voucher.applications.transitions import transition
from voucher.catalogue import services as catalogue_services
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.core import clock, periods
from voucher.core.audit import audit_record, snapshot
from voucher.core.notifications import notify
from voucher.core.uploads import JPEG, PDF, PNG, InspectedFile, display_file_name, inspect_upload
from voucher.programmes.models import ProgrammeYear
from voucher.reviews import permissions
from voucher.reviews.choices import ObjectionAction, ObjectionStatus
from voucher.reviews.models import Notice, NoticeItem, Objection, ReviewAssignment, ReviewDecision
from voucher.reviews.transitions import objection_transition

DECISIONS: dict[str, Callable[..., Application]] = {
    ApplicationAction.APPROVE: application_services.application_approve,
    ApplicationAction.RETURN: application_services.application_return,
    ApplicationAction.REJECT: application_services.application_reject,
}
OBJECTION_FILE_KINDS = (PDF, PNG, JPEG)


def _locked_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("programme", "organisation")
        .get(pk=application.pk)
    )


def _admins() -> list[User]:
    return list(User.objects.filter(role=Role.ADMIN, is_active=True))


@transaction.atomic
def review_decide(*, actor: Any, application: Application, action: str, comment: str = "") -> ReviewDecision:
    """Approve, return for changes (comment required) or reject (reason required) — V2.

    Refused for a reviewer of the applicant's organisation and, once reviewers are assigned, for
    anyone but them and admins. The decision is kept with reviewer and time; the applications
    service changes the status, records the latest decision on the application and tells the provider.
    """
    if action not in DECISIONS:
        raise ValidationError({"action": "审核结果无效，请选择审核通过、退回修改或审核不通过。"})
    comment = (comment or "").strip()
    if action == ApplicationAction.RETURN and not comment:
        raise ValidationError({"comment": "退回修改须填写修改意见。"})
    if action == ApplicationAction.REJECT and not comment:
        raise ValidationError({"comment": "审核不通过须填写理由。"})
    application = _locked_application(application)
    transition(
        application.status, action
    )  # an illegal move is a 422 with the current status, before permissions
    permissions.can_decide(actor, application).enforce()
    decided = DECISIONS[action](actor=actor, application=application, comment=comment)
    decision = ReviewDecision.objects.create(
        application=decided,
        reviewer=actor,
        action=action,
        status_after=decided.status,
        comment=comment,
        decided_at=decided.decided_at or clock.now(),
    )
    audit_record(
        actor=actor,
        action="review.decided",
        obj=decision,
        after=snapshot(decision, ["application_id", "action", "status_after", "comment"]),
        note=comment,
    )
    return decision


@transaction.atomic
def review_assign(*, actor: Any, application: Application, reviewer: User) -> ReviewAssignment:
    """An admin assigns a reviewer (never one of the applicant's own organisation)."""
    application = _locked_application(application)
    permissions.can_assign(actor, application, reviewer).enforce()
    if ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise ValidationError({"reviewer": f"“{reviewer}”已分配到该申报。"})
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, assigned_by=actor, assigned_at=clock.now()
    )
    audit_record(
        actor=actor,
        action="review.assigned",
        obj=assignment,
        after={"application_id": application.pk, "reviewer": reviewer.get_username()},
    )
    notify(
        recipients=[reviewer],
        kind="review.assigned",
        title=f"新的评审任务：{application.product_name}",
        body=f"{application.organisation} 的配券产品申报已分配给您评审。",
        url=f"/reviews/{application.pk}/",
    )
    return assignment


@transaction.atomic
def review_unassign(*, actor: Any, assignment: ReviewAssignment) -> None:
    """Take a reviewer off an application still waiting for review."""
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("application", "reviewer")
        .get(pk=assignment.pk)
    )
    permissions.can_assign(actor, assignment.application).enforce()
    audit_record(
        actor=actor,
        action="review.unassigned",
        obj=assignment,
        before={"application_id": assignment.application_id, "reviewer": assignment.reviewer.get_username()},
    )
    assignment.delete()


def default_end(programme: ProgrammeYear, starts_on: dt.date) -> dt.date:
    """The notice runs ``notice_period_days`` calendar days counted from the day after its publication day
    (programme data, Y1; 民法典 Art. 201)."""
    return periods.last_day(starts_on, days=programme.notice_period_days)


@transaction.atomic
def notice_publish(
    *,
    actor: Any,
    programme: ProgrammeYear,
    applications: Sequence[Application],
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    title: str = "",
) -> Notice:
    """V3: publish approved applications as a public notice; each becomes a product 公示中 and its
    product name is locked (P2)."""
    permissions.can_manage_notices(actor).enforce()
    errors: dict[str, list[str]] = {}
    if not applications:
        errors["applications"] = ["请至少选择一个审核通过的产品。"]
    if starts_on < clock.today():
        errors["starts_on"] = ["公示开始日不能早于今天。"]
    ends_on = ends_on or default_end(programme, starts_on)
    if ends_on < starts_on:
        errors["ends_on"] = ["公示结束日不能早于开始日。"]
    locked = list(
        Application.objects.select_for_update(of=("self",))
        .filter(pk__in=[a.pk for a in applications])
        .select_related("organisation")
        .order_by("direction__number", "product_name", "id")
    )
    for application in locked:
        if application.programme_id != programme.pk:
            errors.setdefault("applications", []).append(f"“{application.product_name}”不属于{programme}。")
        elif application.status != ApplicationStatus.APPROVED:
            errors.setdefault("applications", []).append(
                f"“{application.product_name}”未审核通过，不能公示。"
            )
        elif Product.objects.filter(application=application).exists():
            errors.setdefault("applications", []).append(f"“{application.product_name}”已公示过。")
    if errors:
        raise ValidationError(errors)
    notice = Notice.objects.create(
        programme=programme,
        title=(title or "").strip() or f"{programme.year}年度北京市中小企业服务券配券产品公示",
        starts_on=starts_on,
        ends_on=ends_on,
        published_by=actor,
        published_at=clock.now(),
    )
    for position, application in enumerate(locked, start=1):
        product = catalogue_services.product_create_for_notice(actor=actor, application=application)
        NoticeItem.objects.create(notice=notice, product=product, position=position)
        application_services.application_lock_name(actor=actor, application=application)
        notify(
            recipients=catalogue_services.provider_users(product),
            kind="product.noticed",
            title=f"配券产品“{product.name}”进入公示",
            body=f"公示期 {starts_on:%Y-%m-%d} 至 {ends_on:%Y-%m-%d}；产品名称自公示起不可修改。",
            url=f"/reviews/public/notices/{notice.pk}/",
        )
    audit_record(
        actor=actor,
        action="notice.published",
        obj=notice,
        after={**snapshot(notice, ["title", "starts_on", "ends_on"]), "applications": [a.pk for a in locked]},
    )
    return notice


def _max_upload_bytes() -> int:
    return int(getattr(settings, "VOUCHER_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def objection_fields_check(
    errors: dict[str, list[str]], *, name: str, contact: str, text: str, file: File | None
) -> tuple[dict[str, str], InspectedFile | None, str]:
    """The objector's name, contact and text (trimmed) and the optional evidence file checked by its
    content; problems are added to ``errors`` by field. Shared by product and payout notices."""
    values = {"name": (name or "").strip(), "contact": (contact or "").strip(), "text": (text or "").strip()}
    labels = {"name": "姓名或单位", "contact": "联系方式", "text": "异议内容"}
    limits = {"name": 100, "contact": 100, "text": 5000}
    for key, value in values.items():
        if not value:
            errors[key] = [f"请填写{labels[key]}。"]
        elif len(value) > limits[key]:
            errors[key] = [f"{labels[key]}不能超过{limits[key]}字。"]
    inspected = None
    file_name = ""
    if file is not None:
        file_name = display_file_name(getattr(file, "name", "") or "")
        try:
            inspected = inspect_upload(
                file, allowed=OBJECTION_FILE_KINDS, max_bytes=_max_upload_bytes(), name=file_name
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return values, inspected, file_name


@transaction.atomic
def objection_file(
    *,
    actor: Any,
    notice: Notice,
    product: Product,
    name: str,
    contact: str,
    text: str,
    file: File | None = None,
) -> Objection:
    """V3: anyone files an objection about one product during the notice period; admins are told.

    ``actor`` is the logged-in user or ``None`` for a visitor. A file is checked by its content.
    """
    notice = Notice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
    permissions.can_file_objection(notice, clock.today()).enforce()
    errors: dict[str, list[str]] = {}
    if not NoticeItem.objects.filter(notice=notice, product=product).exists():
        errors["product"] = ["请选择本次公示中的产品。"]
    values, inspected, file_name = objection_fields_check(
        errors, name=name, contact=contact, text=text, file=file
    )
    if errors:
        raise ValidationError(errors)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    objection = Objection(
        notice=notice,
        product=product,
        filed_by=actor if is_user else None,
        filed_at=clock.now(),
        **values,
    )
    stored = ""
    if file is not None and inspected is not None:
        objection.file_name = file_name
        objection.file_content_type = inspected.content_type
        objection.file_sha256 = inspected.sha256
        file.seek(0)
        objection.file.save(file_name, file, save=False)
        stored = objection.file.name or ""
    try:
        objection.save()
        audit_record(
            actor=actor if is_user else None,
            action="objection.filed",
            obj=objection,
            after=snapshot(
                objection, ["notice_id", "product_id", "name", "contact", "file_name", "file_sha256"]
            ),
        )
        notify(
            recipients=_admins(),
            kind="objection.filed",
            title=f"公示异议：{product.name}",
            body=values["text"][:200],
            url=f"/reviews/notices/{notice.pk}/",
        )
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return objection


@transaction.atomic
def objection_resolve(*, actor: Any, objection: Objection, action: str, resolution: str) -> Objection:
    """Record the admin's resolution (V3). Upheld: the product is withdrawn and never goes on sale."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("product", "notice")
        .get(pk=objection.pk)
    )
    permissions.can_resolve_objection(actor, objection).enforce()
    if action not in ObjectionAction.values:
        raise ValidationError({"action": "请选择异议成立或不成立。"})
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "请填写处理意见。"})
    before = snapshot(objection, ["status", "resolution"])
    objection.status = objection_transition(objection.status, action)
    objection.resolution = resolution
    objection.resolved_by = actor
    objection.resolved_at = clock.now()
    objection.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor,
        action=f"objection.{objection.status}",
        obj=objection,
        before=before,
        after=snapshot(objection, ["status", "resolution"]),
        note=resolution,
    )
    product = objection.product
    if objection.status == ObjectionStatus.UPHELD and product.status != ProductStatus.WITHDRAWN:
        catalogue_services.product_withdraw(
            actor=actor, product=product, reason=f"公示异议成立：{resolution}"
        )
    return objection


@transaction.atomic
def notice_close(*, actor: Any, notice: Notice) -> Notice:
    """After the period, with every objection resolved: the remaining products become 待上线 (V4)."""
    notice = Notice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
    permissions.can_close_notice(actor, notice, clock.today()).enforce()
    ready = []
    for item in notice.items.select_related("product"):
        if item.product.status == ProductStatus.NOTICED:
            ready.append(catalogue_services.product_mark_ready(actor=actor, product=item.product).pk)
    notice.closed_at = clock.now()
    notice.save(update_fields=["closed_at"])
    audit_record(
        actor=actor,
        action="notice.closed",
        obj=notice,
        after={"closed_at": notice.closed_at, "ready_products": ready},
    )
    return notice

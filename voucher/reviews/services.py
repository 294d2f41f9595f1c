"""Writes for reviewing and public notices (SPEC V1–V4).

Decisions go through the applications services (the transition table lives there); this module
adds the review rules on top — conflict of interest and assignment — and keeps every decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction

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
from voucher.programmes.models import ProgrammeYear
from voucher.reviews import objections, permissions
from voucher.reviews.choices import ObjectionStatus
from voucher.reviews.models import Notice, NoticeItem, Objection, ReviewAssignment, ReviewDecision
from voucher.reviews.objections import ObjectionKind
from voucher.reviews.objections import objection_fields_check as objection_fields_check

DECISIONS: dict[str, Callable[..., Application]] = {
    ApplicationAction.APPROVE: application_services.application_approve,
    ApplicationAction.RETURN: application_services.application_return,
    ApplicationAction.REJECT: application_services.application_reject,
}


def _locked_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("programme", "organisation")
        .get(pk=application.pk)
    )


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
    product name is locked (P2).

    Kept whole: one transaction (check, lock, publish, tell) that reads best top to bottom.
    """
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


def _product_decided(actor: Any, objection: Objection, resolution: str) -> dict[str, Any]:
    """Upheld: the product is withdrawn and never goes on sale."""
    product = objection.product
    if (
        product is not None
        and objection.status == ObjectionStatus.UPHELD
        and product.status != ProductStatus.WITHDRAWN
    ):
        catalogue_services.product_withdraw(
            actor=actor, product=product, reason=f"公示异议成立：{resolution}"
        )
    return {}


PRODUCT = ObjectionKind(
    audit="objection",
    notify_kind="objection.filed",
    title=lambda o: f"公示异议：{o.product.name if o.product else ''}",
    url=lambda o: f"/reviews/notices/{o.notice_id}/",
    filed_fields=("notice_id", "product_id", "name", "contact", "file_name", "file_sha256"),
    can_decide=permissions.can_resolve_objection,
    related=("product", "notice"),
)


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
    return objections.objection_file(
        kind=PRODUCT,
        actor=actor,
        target={"notice": notice, "product": product},
        name=name,
        contact=contact,
        text=text,
        file=file,
        errors=errors,
    )


def objection_resolve(*, actor: Any, objection: Objection, action: str, resolution: str) -> Objection:
    """Record the admin's resolution (V3). Upheld: the product is withdrawn and never goes on sale."""
    return objections.objection_decide(
        kind=PRODUCT,
        actor=actor,
        objection=objection,
        action=action,
        resolution=resolution,
        on_decided=_product_decided,
    )


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

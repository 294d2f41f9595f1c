"""Who may review, assign, publish notices and resolve objections (SPEC V1–V3).

The same functions hide buttons in the pages and refuse requests in the services and the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from voucher.applications.choices import ApplicationStatus
from voucher.applications.models import Application
from voucher.applications.permissions import can_decide_application, can_view_application
from voucher.core.permissions import ALLOWED, Decision, can, deny, has_capability, member_of
from voucher.reviews.choices import ObjectionStatus
from voucher.reviews.models import Notice, Objection, ReviewAssignment


def can_manage_reviews(user: Any) -> Decision:
    """Assigning reviewers, notices and objections are the Bureau's (V1, V3)."""
    return can(user, "reviews.manage", "此功能仅限市经信局使用。")


def can_use_queue(user: Any) -> Decision:
    """The review queue is for reviewers and the Bureau (V1)."""
    return can(user, "applications.review", "此功能仅限评审机构和市经信局使用。")


def conflict_of_interest(user: Any, application: Application) -> Decision:
    """Nobody reviews an application of their own organisation."""
    if member_of(user, application.organisation_id):
        return deny("不能评审本单位的申报（利益冲突）。", "conflict_of_interest")
    return ALLOWED


def can_review_application(user: Any, application: Application) -> Decision:
    """Open the review page: a reviewer or admin, never of their own organisation, once submitted."""
    if not (d := can_use_queue(user)):
        return d
    if not (d := conflict_of_interest(user, application)):
        return d
    if application.last_submitted_at is None:
        return deny("该申报尚未提交。")
    return ALLOWED


def assigned_reviewer_ids(application: Application) -> set[int]:
    return set(ReviewAssignment.objects.filter(application=application).values_list("reviewer_id", flat=True))


def can_decide(user: Any, application: Application, assigned: Collection[int] | None = None) -> Decision:
    """V2 decisions: a submitted application, no conflict of interest, and — once reviewers are
    assigned — only an assigned reviewer or an admin. ``assigned`` may be passed to save a query."""
    if not (d := can_review_application(user, application)):
        return d
    if not (d := can_decide_application(user, application)):
        return d
    if has_capability(user, "reviews.manage"):
        return ALLOWED
    reviewers = assigned if assigned is not None else assigned_reviewer_ids(application)
    if reviewers and user.pk not in reviewers:
        return deny("该申报已分配给其他评审专家，只有被分配的评审专家可以审核。", "not_assigned")
    return ALLOWED


def can_assign(user: Any, application: Application, reviewer: Any | None = None) -> Decision:
    """Admins assign submitted applications to reviewers of another organisation."""
    if not (d := can_manage_reviews(user)):
        return d
    if application.status != ApplicationStatus.SUBMITTED:
        return deny(f"申报状态为“{application.get_status_display()}”，只有待审核的申报可以分配。")
    if reviewer is not None:
        if not has_capability(reviewer, "reviews.assignee"):
            return deny(f"“{reviewer}”不是有效的评审专家账号。", "not_reviewer")
        if not (d := conflict_of_interest(reviewer, application)):
            return deny(f"“{reviewer}”与申报单位属同一单位，不能分配（利益冲突）。", d.code)
    return ALLOWED


def can_view_decisions(user: Any, application: Application) -> Decision:
    """The decision record is visible to the provider that applied, reviewers and admins (V2)."""
    return can_view_application(user, application)


def can_manage_notices(user: Any) -> Decision:
    """Publishing notices and resolving objections is the Bureau's (V3)."""
    return can_manage_reviews(user)


def can_file_objection(notice: Notice, today: dt.date) -> Decision:
    """Anyone, logged in or not, during the notice period only (V3)."""
    if today < notice.starts_on:
        return deny(f"公示将于{notice.starts_on:%Y年%m月%d日}开始，届时方可提出异议。", "notice_not_started")
    if notice.closed_at is not None or today > notice.ends_on:
        return deny(f"公示已于{notice.ends_on:%Y年%m月%d日}结束，不再受理异议。", "notice_ended")
    return ALLOWED


def can_resolve_objection(user: Any, objection: Objection) -> Decision:
    if not (d := can_manage_reviews(user)):
        return d
    if objection.status != ObjectionStatus.OPEN:
        return deny(f"该异议已处理（{objection.get_status_display()}）。", "already_resolved")
    return ALLOWED


def can_close_notice(user: Any, notice: Notice, today: dt.date) -> Decision:
    """After the period, with every objection resolved, the notice is closed and its products wait to go on sale."""
    if not (d := can_manage_reviews(user)):
        return d
    if notice.closed_at is not None:
        return deny("该公示已结束处理。", "already_closed")
    if today <= notice.ends_on:
        return deny(f"公示期至{notice.ends_on:%Y年%m月%d日}，期满后方可结束。", "notice_running")
    if notice.objections.filter(status=ObjectionStatus.OPEN).exists():
        return deny("还有未处理的异议，请先逐条处理。", "open_objections")
    return ALLOWED


def can_view_objection_file(user: Any) -> Decision:
    return can_manage_reviews(user)

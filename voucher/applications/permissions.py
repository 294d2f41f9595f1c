"""Who may do what with applications and their files. The same functions hide buttons and refuse requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from voucher.accounts.models import Organisation
from voucher.applications.choices import ApplicationAction, ApplicationStatus
from voucher.applications.models import Application, Material
from voucher.applications.transitions import EDITABLE_STATUSES, can_move
from voucher.core.permissions import ALLOWED, Decision, can, deny, has_capability, logged_in, member_of
from voucher.programmes.models import ProgrammeYear


def is_provider(user: Any) -> Decision:
    """A provider-role user of a provider organisation."""
    if not (d := logged_in(user)):
        return d
    organisation = getattr(user, "organisation", None)
    if not has_capability(user, "applications.file") or organisation is None or not organisation.is_provider:
        return deny("此功能仅限服务商使用。")
    return ALLOWED


def is_reviewer_or_admin(user: Any) -> Decision:
    return can(user, "applications.review", "此功能仅限评审机构和市经信局使用。")


def can_use_applications(user: Any) -> Decision:
    """Whether the user's role works with applications at all (providers, reviewers, admins).

    Checked before an application or file is looked up, so a refused role (an enterprise) gets the same
    answer for every number; the other roles get 404 for what they may not see (the pages' ``_application``).
    """
    if is_provider(user) or is_reviewer_or_admin(user):
        return ALLOWED
    if not (d := logged_in(user)):
        return d
    return deny("此功能仅限服务商、评审机构和市经信局使用。")


def _is_owner(user: Any, organisation_id: int) -> bool:
    return bool(is_provider(user)) and member_of(user, organisation_id)


def can_create_application(user: Any) -> Decision:
    return is_provider(user)


def can_manage_dossier(user: Any, organisation: Organisation) -> Decision:
    if not (d := is_provider(user)):
        return d
    if not member_of(user, organisation.pk):
        return deny("只能维护本单位的申报资料。")
    return ALLOWED


def can_view_application(user: Any, application: Application) -> Decision:
    """The owner's provider users; reviewers and admins once it has been submitted at least once."""
    if not (d := logged_in(user)):
        return d
    if _is_owner(user, application.organisation_id):
        return ALLOWED
    if has_capability(user, "applications.review"):
        if application.last_submitted_at is None:
            return deny("该申报尚未提交，评审机构和主管部门不可查看。")
        return ALLOWED
    return deny("无权查看该申报。")


def can_edit_application(user: Any, application: Application) -> Decision:
    """Only the owner, and only while 待提交 or 退回修改 (P3: locked after submit)."""
    if not (d := logged_in(user)):
        return d
    if not _is_owner(user, application.organisation_id):
        return deny("只能修改本单位的申报。")
    if application.status not in EDITABLE_STATUSES:
        return deny(f"申报状态为“{application.get_status_display()}”，已锁定，不能修改。", "locked")
    return ALLOWED


def can_delete_application(user: Any, application: Application) -> Decision:
    """Only a draft that was never submitted can be deleted, by its owner."""
    if not (d := can_edit_application(user, application)):
        return d
    if application.status != ApplicationStatus.DRAFT or application.last_submitted_at is not None:
        return deny("已提交过的申报不能删除。")
    return ALLOWED


def application_window(programme: ProgrammeYear, today: dt.date) -> Decision:
    """P8: submission only inside the programme year's application window; the refusal names the dates."""
    opens, closes = programme.application_opens_on, programme.application_closes_on
    span = f"{opens:%Y年%m月%d日}至{closes:%Y年%m月%d日}"
    if today < opens:
        return deny(
            f"申报尚未开始：{programme.year}年度申报时间为{span}，{opens:%Y年%m月%d日}起方可提交。", "window"
        )
    if today > closes:
        return deny(
            f"申报已截止：{programme.year}年度申报截止日期为{closes:%Y年%m月%d日}（申报时间{span}），不能再提交。",
            "window",
        )
    return ALLOWED


def can_submit_application(user: Any, application: Application, today: dt.date) -> Decision:
    if not (d := can_edit_application(user, application)):
        return d
    if not can_move(application.status, ApplicationAction.SUBMIT):
        return deny("当前状态不能提交。")
    return application_window(application.programme, today)


def can_decide_application(user: Any, application: Application) -> Decision:
    """Reviewers (and admins) decide submitted applications (V2, next issue builds the queue)."""
    if not (d := is_reviewer_or_admin(user)):
        return d
    if application.status != ApplicationStatus.SUBMITTED:
        return deny(f"申报状态为“{application.get_status_display()}”，不是待审核，不能审核。")
    return ALLOWED


def can_view_material(user: Any, material: Material) -> Decision:
    """Files are readable only by the owner organisation's providers, reviewers and admins."""
    if not (d := logged_in(user)):
        return d
    if _is_owner(user, material.organisation_id):
        return ALLOWED
    if has_capability(user, "applications.review"):
        return ALLOWED
    return deny("无权查看该附件。")


def can_upload_material(user: Any, organisation: Organisation, application: Application | None) -> Decision:
    if application is not None:
        return can_edit_application(user, application)
    return can_manage_dossier(user, organisation)


def can_delete_material(user: Any, material: Material) -> Decision:
    if material.application_id is not None:
        return can_edit_application(user, material.application)  # type: ignore[arg-type]
    if not (d := can_manage_dossier(user, material.organisation)):
        return d
    locked = Application.objects.filter(
        organisation_id=material.organisation_id,
        programme_id=material.programme_id,
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED],
    ).exists()
    if locked:
        return deny("本单位已有待审核或已通过的申报，服务商材料已锁定，不能删除。", "locked")
    return ALLOWED

"""Submission and decisions: what still blocks a submission, the submission itself with the pledge, the
reviewer's approve / return / reject and locking the product name.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from voucher.accounts.models import Organisation
from voucher.applications import permissions
from voucher.applications.checks import compute_checks
from voucher.applications.choices import (
    PRODUCT_KINDS,
    PROVIDER_KINDS,
    SLOTS,
    ApplicationAction,
    ApplicationStatus,
    MaterialKind,
)
from voucher.applications.models import (
    Application,
    ConditionCheck,
    Material,
    ProviderDossier,
)
from voucher.applications.rules import needs_qualification
from voucher.applications.services.common import (
    BEIJING,
    FORM_SNAPSHOT,
    _locked,
    _notify_status,
    _raise,
    pledge_text,
)
from voucher.applications.transitions import transition
from voucher.applications.validation import (
    Errors,
    form_problems,
)
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.programmes.models import ProgrammeYear
from voucher.standing import sanction_refusal


def profile_problems(organisation: Organisation) -> list[str]:
    """P1: what the 企业信息 profile still lacks for an application to be submitted."""
    problems = []
    labels = {
        "name": "单位名称",
        "uscc": "统一社会信用代码",
        "established_on": "成立日期",
        "registered_address": "注册地址",
        "contact_name": "联系人",
        "contact_phone": "联系电话",
    }
    for name, label in labels.items():
        if not getattr(organisation, name):
            problems.append(f"企业信息缺少“{label}”，请先在“企业信息”页补充。")
    registered = organisation.registered_address or ""
    if registered and BEIJING not in registered and BEIJING not in (organisation.operating_address or ""):
        problems.append("注册地不在北京市的服务商须在“企业信息”中填写北京市内的经营地址。")
    return problems


def dossier_problems(dossier: ProviderDossier | None, programme: ProgrammeYear) -> Errors:
    errors: Errors = {}
    need = programme.provider_intro_min_chars
    length = len("".join((dossier.introduction if dossier else "").split()))
    if length < need:
        errors["introduction"] = [f"服务商详细介绍不少于{need}字（当前{length}字），请在“申报资料”页填写。"]
    return errors


def material_problems(application: Application) -> Errors:
    """Required upload slots (annex 2-1 §一, §二) that are still empty."""
    errors: Errors = {}
    provider_kinds = set(
        Material.objects.filter(
            organisation_id=application.organisation_id,
            programme_id=application.programme_id,
            application__isnull=True,
        ).values_list("kind", flat=True)
    )
    product_kinds = set(application.materials.values_list("kind", flat=True))
    for kind in PROVIDER_KINDS:
        required = SLOTS[kind].required or (
            kind == MaterialKind.QUALIFICATIONS
            and application.direction is not None
            and needs_qualification(application.direction, application.subtype, application.product_line)
        )
        if required and kind not in provider_kinds:
            errors[f"material_{kind}"] = [f"请上传服务商材料“{MaterialKind(kind).label}”。"]
    for kind in PRODUCT_KINDS:
        required = SLOTS[kind].required or (
            kind == MaterialKind.HIGH_GROWTH_LIST and (application.high_growth_count or 0) > 0
        )
        if required and kind not in product_kinds:
            errors[f"material_{kind}"] = [f"请上传产品材料“{MaterialKind(kind).label}”。"]
    return errors


def submission_problems(application: Application) -> Errors:
    """Everything 提交 checks besides the window and the pledge: form, profile, dossier, materials."""
    errors = form_problems(
        application, organisation=application.organisation, programme=application.programme
    )
    profile = profile_problems(application.organisation)
    if profile:
        errors["organisation"] = profile
    dossier = ProviderDossier.objects.filter(
        organisation_id=application.organisation_id, programme_id=application.programme_id
    ).first()
    errors.update(dossier_problems(dossier, application.programme))
    errors.update(material_problems(application))
    return errors


@transaction.atomic
def application_submit(*, actor: Any, application: Application, pledge_accepted: bool) -> Application:
    """提交 (P3, P8, P11): full check, pledge stored with time and user, checks computed, form locked."""
    # Lock all of the organisation's applications of the year: K6b compares them with each other.
    list(
        Application.objects.select_for_update()
        .filter(organisation_id=application.organisation_id, programme_id=application.programme_id)
        .values_list("pk", flat=True)
    )
    application = _locked(application)
    today = clock.today()
    permissions.can_edit_application(actor, application).enforce()
    new_status = transition(application.status, ApplicationAction.SUBMIT)
    window = permissions.application_window(application.programme, today)
    if not window:
        raise ValidationError({"__all__": [window.reason]}, code="outside_window")
    # M5: a sanctioned provider's applications are not accepted while the ban runs.
    banned = sanction_refusal(organisation_id=application.organisation_id, on=today)
    if not banned:
        raise ValidationError({"__all__": [ValidationError(banned.reason, code=banned.code)]})
    errors = submission_problems(application)
    if not pledge_accepted:
        errors["pledge"] = ["请阅读并接受《申报承诺》后再提交。"]
    _raise(errors)

    before = snapshot(application, FORM_SNAPSHOT)
    now = clock.now()
    application.status = new_status
    application.pledge_text = pledge_text(application.programme)
    application.pledge_accepted_at = now
    application.pledge_accepted_by = actor
    application.first_submitted_at = application.first_submitted_at or now
    application.last_submitted_at = now
    # P10: reviewers rank by the number of 专精特新/小巨人/high-growth clients served.
    application.priority_score = application.high_growth_count or 0
    application.save()

    application.checks.all().delete()
    ConditionCheck.objects.bulk_create(
        ConditionCheck(
            application=application,
            code=result.code,
            title=result.title,
            outcome=result.outcome,
            message=result.message,
            evidence=result.evidence,
            checked_at=now,
        )
        for result in compute_checks(application, actor=actor, today=today)
    )
    audit_record(
        actor=actor,
        action="application.submitted",
        obj=application,
        before=before,
        after=snapshot(application, FORM_SNAPSHOT),
        note=f"已接受申报承诺（{now:%Y-%m-%d %H:%M}）",
    )
    _notify_status(application, f"配券产品申报“{application.product_name}”已提交，等待审核")
    return application


@transaction.atomic
def application_decide(
    *, actor: Any, application: Application, action: str, comment: str = ""
) -> Application:
    """A reviewer's decision (V2): 审核通过, 退回修改 (comment required) or 审核不通过 (reason required)."""
    application = _locked(application)
    permissions.is_reviewer_or_admin(actor).enforce()
    new_status = transition(application.status, action)
    permissions.can_decide_application(actor, application).enforce()
    comment = (comment or "").strip()
    if action == ApplicationAction.RETURN and not comment:
        raise ValidationError({"comment": "退回修改须填写修改意见。"})
    if action == ApplicationAction.REJECT and not comment:
        raise ValidationError({"comment": "审核不通过须填写理由。"})
    before = snapshot(application, [*FORM_SNAPSHOT, "decision_comment"])
    application.status = new_status
    application.decided_at = clock.now()
    application.decided_by = actor
    application.decision_comment = comment
    application.save()
    audit_record(
        actor=actor,
        action=f"application.{action}",
        obj=application,
        before=before,
        after=snapshot(application, [*FORM_SNAPSHOT, "decision_comment"]),
        note=comment,
    )
    label = ApplicationStatus(new_status).label
    _notify_status(application, f"配券产品申报“{application.product_name}”审核结果：{label}", comment)
    return application


def application_approve(*, actor: Any, application: Application, comment: str = "") -> Application:
    """审核通过."""
    return application_decide(
        actor=actor, application=application, action=ApplicationAction.APPROVE, comment=comment
    )


def application_return(*, actor: Any, application: Application, comment: str) -> Application:
    """退回修改: the provider may edit and resubmit."""
    return application_decide(
        actor=actor, application=application, action=ApplicationAction.RETURN, comment=comment
    )


def application_reject(*, actor: Any, application: Application, comment: str) -> Application:
    """审核不通过 (final)."""
    return application_decide(
        actor=actor, application=application, action=ApplicationAction.REJECT, comment=comment
    )


@transaction.atomic
def application_lock_name(*, actor: Any, application: Application) -> Application:
    """Fix the product name when the public notice starts (P2, V4); called by the notice service."""
    permissions.is_reviewer_or_admin(actor).enforce()
    application = _locked(application)
    if application.status != ApplicationStatus.APPROVED:
        raise ValidationError({"status": "只有审核通过的产品才能公示并锁定名称。"})
    if application.name_locked_at is None:
        application.name_locked_at = clock.now()
        application.save(update_fields=["name_locked_at", "updated_at"])
        audit_record(
            actor=actor,
            action="application.name_locked",
            obj=application,
            after={"product_name": application.product_name},
        )
    return application

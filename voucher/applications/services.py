"""Writes for product applications: the three save actions, submission, decisions, materials, Excel import.

Every function is the single place its change happens (ARCHITECTURE conventions 1–2): it runs in a
transaction, locks the rows it changes, checks permission and transition, writes an audit event and
notifies the provider. Nothing is half-saved: a refused call leaves the database as it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from voucher.accounts.choices import Role
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
    MaterialScope,
)
from voucher.applications.models import (
    Application,
    ConditionCheck,
    Material,
    PriceTransaction,
    ProviderDossier,
)
from voucher.applications.rules import needs_qualification, qualification_options
from voucher.applications.transitions import transition
from voucher.applications.validation import (
    Errors,
    _decimal,
    _text,
    form_problems,
    parse_form,
    product_name_taken,
)
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.notifications import notify
from voucher.core.uploads import display_file_name, inspect_upload
from voucher.programmes.models import ProgrammeYear
from voucher.standing import sanction_refusal

FORM_SNAPSHOT = [
    "status",
    "direction_id",
    "subtype_id",
    "product_line",
    "software_type",
    "software_type_note",
    "product_name",
    "provider_name",
    "summary",
    "price_amount",
    "price_unit",
    "pricing_basis",
    "client_count",
    "revenue_wan",
    "has_ip",
    "has_sales_qualification",
    "has_sales_system",
    "has_after_sales",
    "cac_model_name",
    "cac_filing_unit",
    "cac_filing_number",
    "market_share_percent",
    "market_share_unavailable",
    "ranking",
    "high_growth_count",
    "contact_name",
    "contact_mobile",
    "priority_score",
]
DOSSIER_FIELDS = [
    "introduction",
    "revenue_last_year_wan",
    "sme_contracts",
    "qualifications",
    "qualification_notes",
]
BEIJING = "北京"


def pledge_text(programme: ProgrammeYear) -> str:
    """The pledge of annex 2-1-2 for this year, stored verbatim with the submission (P11)."""
    return (
        f"我单位提供的关于“{programme.year}年度北京市中小企业服务券配券产品”申报相关材料真实无误，"
        "接受财政或审计部门的监督。如发现弄虚作假、恶意欺骗等违规行为，承诺退回对应资金，"
        "承担相应的经济和法律责任，以后不再享有服务券申请及兑付资格。"
    )


def max_upload_bytes() -> int:
    return int(getattr(settings, "VOUCHER_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _provider_users(application: Application) -> list[Any]:
    members = list(application.organisation.members.filter(role=Role.PROVIDER, is_active=True))
    return [*members, application.created_by]


def _notify_status(application: Application, title: str, body: str = "") -> None:
    notify(
        recipients=_provider_users(application),
        kind="application.status",
        title=title,
        body=body,
        url=f"/applications/{application.pk}/",
    )


def _write(application: Application, values: dict[str, Any]) -> None:
    """Put parsed values on the (locked, unsaved) row; the price transactions are written after save."""
    if (
        "product_name" in values
        and application.name_locked_at is not None
        and values["product_name"] != application.product_name
    ):
        raise ValidationError({"product_name": "产品已公示，名称不可修改。"})
    for name, value in values.items():
        if name != "price_transactions":
            setattr(application, name, value)
    if application.subtype is not None and application.subtype.direction_id != application.direction_id:
        application.subtype = None


def _save_transactions(application: Application, values: dict[str, Any]) -> None:
    if "price_transactions" not in values:
        return
    application.price_transactions.all().delete()
    PriceTransaction.objects.bulk_create(
        PriceTransaction(application=application, transacted_on=day, amount=amount)
        for day, amount in values["price_transactions"]
    )


def _name_taken(application: Application) -> Errors:
    if product_name_taken(application):
        return {
            "product_name": [
                f"本单位本年度已有名为“{application.product_name}”的申报产品，产品名称不能重复。"
            ]
        }
    return {}


def _store(
    application: Application, values: dict[str, Any], *, actor: Any, action: str, before: dict[str, Any]
) -> None:
    application.save()
    _save_transactions(application, values)
    audit_record(
        actor=actor, action=action, obj=application, before=before, after=snapshot(application, FORM_SNAPSHOT)
    )


@transaction.atomic
def application_create(
    *, actor: Any, programme: ProgrammeYear, data: Mapping[str, Any] | None = None, full_check: bool = False
) -> Application:
    """Start a draft (待提交) for the actor's organisation; ``data`` is stored as with 临时保存 (or 保存)."""
    permissions.can_create_application(actor).enforce()
    organisation = Organisation.objects.select_for_update().get(pk=actor.organisation_id)
    last = Application.objects.filter(organisation=organisation, programme=programme).aggregate(
        m=Max("sequence")
    )["m"]
    application = Application(
        programme=programme,
        organisation=organisation,
        sequence=(last or 0) + 1,
        created_by=actor,
        provider_name=organisation.name,
        contact_name=actor.display_name or "",
        contact_mobile=getattr(actor, "mobile", "") or "",
    )
    values, errors = parse_form(data or {}, programme=programme)
    _write(application, values)
    if full_check:
        errors = {**form_problems(application, organisation=organisation, programme=programme), **errors}
    else:
        errors = {**_name_taken(application), **errors}
    _raise(errors)
    _store(application, values, actor=actor, action="application.created", before={})
    return application


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("programme", "organisation")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_temp_save(*, actor: Any, application: Application, data: Mapping[str, Any]) -> Application:
    """临时保存 (P3): store what was entered without checking completeness or rules.

    Only values that cannot be stored at all (text for a number, an over-long field, a duplicate
    product name held by the database constraint) are refused.
    """
    application = _locked(application)
    permissions.can_edit_application(actor, application).enforce()
    before = snapshot(application, FORM_SNAPSHOT)
    values, errors = parse_form(data, programme=application.programme)
    _write(application, values)
    _raise({**_name_taken(application), **errors})
    _store(application, values, actor=actor, action="application.temp_saved", before=before)
    return application


@transaction.atomic
def application_save(*, actor: Any, application: Application, data: Mapping[str, Any]) -> Application:
    """保存 (P3): store the whole form after the full check; every problem is reported at its field at once."""
    application = _locked(application)
    permissions.can_edit_application(actor, application).enforce()
    before = snapshot(application, FORM_SNAPSHOT)
    values, errors = parse_form(data, programme=application.programme)
    _write(application, values)
    problems = form_problems(
        application, organisation=application.organisation, programme=application.programme
    )
    _raise({**problems, **errors})
    _store(application, values, actor=actor, action="application.saved", before=before)
    return application


@transaction.atomic
def application_delete(*, actor: Any, application: Application) -> None:
    """Remove a draft that was never submitted, with its files (a submitted one stays on record)."""
    application = _locked(application)
    permissions.can_delete_application(actor, application).enforce()
    for material in list(Material.objects.select_for_update().filter(application=application)):
        _remove(actor=actor, material=material, action="material.deleted")
    audit_record(
        actor=actor,
        action="application.deleted",
        obj=application,
        before=snapshot(application, FORM_SNAPSHOT),
    )
    application.delete()


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


@transaction.atomic
def dossier_update(
    *, actor: Any, organisation: Organisation, programme: ProgrammeYear, data: Mapping[str, Any]
) -> ProviderDossier:
    """Change the provider's year-level data: introduction, revenue, contract list, qualifications."""
    permissions.can_manage_dossier(actor, organisation).enforce()
    if Application.objects.filter(
        organisation=organisation,
        programme=programme,
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED],
    ).exists():
        raise ValidationError({"__all__": "本单位已有待审核或已通过的申报，申报资料已锁定。"})
    dossier, _ = ProviderDossier.objects.get_or_create(organisation=organisation, programme=programme)
    dossier = ProviderDossier.objects.select_for_update().get(pk=dossier.pk)
    before = snapshot(dossier, DOSSIER_FIELDS)
    errors: Errors = {}
    if "introduction" in data:
        dossier.introduction = _text(data["introduction"])
    if "revenue_last_year_wan" in data:
        try:
            dossier.revenue_last_year_wan = _decimal(data["revenue_last_year_wan"])
        except ValueError:
            errors["revenue_last_year_wan"] = ["营业收入只填写数字（最多两位小数），单位为“万元”。"]
    if "sme_contracts" in data:
        try:
            dossier.sme_contracts = parse_contract_list(data["sme_contracts"])
        except ValueError as exc:
            errors["sme_contracts"] = [str(exc)]
    if "qualifications" in data:
        known = dict(qualification_options(programme))
        codes = [str(c) for c in (data["qualifications"] or [])]
        unknown = [c for c in codes if c not in known]
        if unknown:
            errors["qualifications"] = [f"未知的资质：{'、'.join(unknown)}。"]
        dossier.qualifications = sorted(set(codes) & set(known))
    if "qualification_notes" in data:
        dossier.qualification_notes = _text(data["qualification_notes"])
    _raise(errors)
    dossier.save()
    audit_record(
        actor=actor,
        action="dossier.updated",
        obj=dossier,
        before=before,
        after=snapshot(dossier, DOSSIER_FIELDS),
    )
    return dossier


def parse_contract_list(value: Any) -> list[dict[str, str]]:
    """Contracts as ``[{"enterprise", "signed_on"}]`` from a list or lines "企业名称 YYYY-MM-DD"."""
    import datetime as dt
    import re

    rows: list[dict[str, str]] = []
    if isinstance(value, str):
        items: list[Any] = []
        for number, line in enumerate(value.splitlines(), start=1):
            if not line.strip():
                continue
            match = re.match(r"^\s*(.+?)[\s,，]+(\d{4}-\d{1,2}-\d{1,2})\s*$", line)
            if not match:
                raise ValueError(
                    f"合同清单第{number}行格式应为“企业名称 签订日期”，如“北京某某有限公司 2024-05-01”。"
                )
            items.append({"enterprise": match.group(1).strip(), "signed_on": match.group(2)})
    else:
        items = list(value or [])
    for number, item in enumerate(items, start=1):
        name = str(item.get("enterprise", "")).strip()
        try:
            day = dt.date.fromisoformat(
                "-".join(p.zfill(2) for p in str(item.get("signed_on", "")).split("-"))
            )
        except ValueError:
            raise ValueError(f"合同清单第{number}条的签订日期无效。") from None
        if not name:
            raise ValueError(f"合同清单第{number}条缺少企业名称。")
        rows.append({"enterprise": name, "signed_on": day.isoformat()})
    return rows


@transaction.atomic
def material_upload(
    *,
    actor: Any,
    organisation: Organisation,
    programme: ProgrammeYear,
    kind: str,
    file: File,
    application: Application | None = None,
) -> Material:
    """Store one file in its slot after checking its content (type by magic bytes, size)."""
    if application is not None:
        application = _locked(application)
        organisation = application.organisation
        programme = application.programme
    permissions.can_upload_material(actor, organisation, application).enforce()
    if kind not in SLOTS:
        raise ValidationError({"kind": "材料类型无效。"})
    slot = SLOTS[kind]
    expected_scope = MaterialScope.PRODUCT if application is not None else MaterialScope.PROVIDER
    if slot.scope != expected_scope:
        where = "产品申报" if slot.scope == MaterialScope.PRODUCT else "服务商申报资料"
        raise ValidationError({"kind": f"“{MaterialKind(kind).label}”须在{where}中上传。"})
    name = display_file_name(getattr(file, "name", "") or "")
    inspected = inspect_upload(
        file, allowed=slot.accepts, max_bytes=max_upload_bytes(), name=name, parse_pdf=True
    )
    replaced: list[Material] = []
    if slot.single and application is not None:
        replaced = list(Material.objects.select_for_update().filter(application=application, kind=kind))
    material = Material(
        organisation=organisation,
        programme=programme,
        application=application,
        scope=slot.scope,
        kind=kind,
        original_name=name,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    file.seek(0)
    material.file.save(name, file, save=False)
    stored_name = material.file.name
    # If anything below fails the row is rolled back; remove the stored file too.
    try:
        material.save()
        for old in replaced:
            _remove(actor=actor, material=old, action="material.replaced")
        audit_record(
            actor=actor,
            action="material.uploaded",
            obj=material,
            after=snapshot(
                material, ["kind", "original_name", "content_type", "size", "sha256", "application_id"]
            ),
        )
    except Exception:
        default_storage.delete(stored_name)
        raise
    return material


def _remove(*, actor: Any, material: Material, action: str) -> None:
    stored = material.file.name
    audit_record(
        actor=actor,
        action=action,
        obj=material,
        before=snapshot(material, ["kind", "original_name", "sha256", "application_id"]),
    )
    material.delete()

    def drop() -> None:
        with contextlib.suppress(OSError):
            default_storage.delete(stored)

    transaction.on_commit(drop)


@transaction.atomic
def material_delete(*, actor: Any, material: Material) -> None:
    """Remove a file while its application (or, for provider files, the dossier) is still editable."""
    material = (
        Material.objects.select_for_update(of=("self",))
        .select_related("application", "organisation")
        .get(pk=material.pk)
    )
    permissions.can_delete_material(actor, material).enforce()
    _remove(actor=actor, material=material, action="material.deleted")


def application_excel_inspect(file: File, default_name: str = "") -> str:
    """Refuse, at the ``excel`` field, an upload that is not an .xlsx within the size and sheet limits (P6).

    Returns the file name to show. Reading the cells is left to :func:`application_import_excel`.
    """
    from voucher.applications.excel import MAX_COLUMNS, MAX_ROWS

    name = display_file_name(getattr(file, "name", "") or "") or default_name
    inspect_upload(
        file,
        allowed=["xlsx"],
        max_bytes=max_upload_bytes(),
        name=name,
        field="excel",
        max_rows=MAX_ROWS,
        max_columns=MAX_COLUMNS,
    )
    return name


@transaction.atomic
def application_import_excel(*, actor: Any, application: Application, file: File) -> Application:
    """Fill the form from an uploaded Excel (P6) and keep the file as the form's Excel version.

    The workbook is checked completely first; any problem is reported at its cell and nothing changes.
    """
    from voucher.applications.excel import ExcelProblems, read_form

    application = _locked(application)
    permissions.can_edit_application(actor, application).enforce()
    application_excel_inspect(file)
    file.seek(0)
    try:
        raw = read_form(file.read(), application=application)
    except ExcelProblems as exc:
        raise ValidationError({"excel": exc.messages}) from None
    file.seek(0)
    before = snapshot(application, FORM_SNAPSHOT)
    values, _ = parse_form(raw, programme=application.programme)
    _write(application, values)
    _store(application, values, actor=actor, action="application.excel_imported", before=before)
    material_upload(
        actor=actor,
        organisation=application.organisation,
        programme=application.programme,
        kind=MaterialKind.FORM_EXCEL,
        file=file,
        application=application,
    )
    return application

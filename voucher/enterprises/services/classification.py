"""Size classification (E3): the declared figures, the classification against the size standards, the
quota cap it implies, redeclaration and the reviewer's decision.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from voucher.accounts.models import Organisation
from voucher.accounts.selectors import active_members, active_users_with
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.money import format_cny, to_money
from voucher.core.notifications import notify
from voucher.core.uploads import display_file_name, inspect_upload
from voucher.enterprises.choices import (
    CreditContext,
    CreditOutcome,
    RedeclarationStatus,
    RefusalCode,
    SizeClass,
)
from voucher.enterprises.credit import credit_check
from voucher.enterprises.models import (
    CreditCheck,
    EnterpriseAuthentication,
    IndustryCode,
    QuotaAccount,
    SizeClassification,
    SizeStandard,
)
from voucher.enterprises.permissions import (
    can_act_for_enterprise,
    can_review_classification,
)
from voucher.enterprises.selectors import industry_classes_under, redeclaration_summary
from voucher.enterprises.services.authentication import EVIDENCE_TYPES
from voucher.enterprises.services.quota import quota_account_open
from voucher.enterprises.sizing import Figures, GroupResolution, classify, describe_thresholds, resolve_group
from voucher.programmes.models import ProgrammeYear

# --- size classification (E3) -----------------------------------------------------------------


def _parse_figures(employees: Any, revenue_wan: Any, assets_wan: Any) -> Figures:
    errors: dict[str, str] = {}
    try:
        staff = int(str(employees).strip())
        if staff < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["employees"] = "从业人员应为不小于 0 的整数。"
        staff = 0
    amounts: dict[str, Decimal] = {}
    for field, value, label in (
        ("revenue_wan", revenue_wan, "营业收入"),
        ("assets_wan", assets_wan, "资产总额"),
    ):
        try:
            amount = to_money(value)
            if amount < 0:
                raise ValueError
            amounts[field] = amount
        except (ValueError, TypeError):
            errors[field] = f"{label}应为不小于 0 的金额（万元，最多两位小数）。"
    if errors:
        raise ValidationError(errors)
    return Figures(staff, amounts["revenue_wan"], amounts["assets_wan"])


def _require_authenticated(locked: Organisation) -> None:
    """Classification needs a verified authentication (E1, E2) first."""
    auth = EnterpriseAuthentication.objects.filter(organisation=locked).first()
    if auth is None or not auth.verified:
        reason = auth.reason if auth else "请先完成企业认证（确认统一社会信用代码）。"
        raise ValidationError(
            ValidationError(f"尚未通过企业认证，不能划型：{reason}", code="not_authenticated")
        )


def _main_industry(industry_code: str) -> IndustryCode:
    """The declared main business, which must be a known 小类 (E5)."""
    industry = IndustryCode.objects.filter(code=(industry_code or "").strip().upper()).first()
    if industry is None:
        raise ValidationError(
            {
                "industry_code": ValidationError(
                    "请从列表中选择有效的行业代码（GB/T 4754-2017）。", code="industry_unknown"
                )
            }
        )
    if industry.level != "class":
        # E5: the main business is declared at the 小类 level; earlier division-level rows stay valid.
        examples = "、".join(str(c) for c in industry_classes_under(industry)[:3])
        raise ValidationError(
            {
                "industry_code": ValidationError(
                    f"请选择主营业务所属的小类（四位代码）。“{industry}”下的小类如：{examples}。",
                    code="industry_not_class",
                )
            }
        )
    return industry


def _verdict(
    figures: Figures, size: str, credit: CreditCheck, resolution: GroupResolution
) -> tuple[str, str]:
    """The refusal code (empty when eligible) and the exact reason shown to the enterprise."""
    group = resolution.group
    size_label = SizeClass(size).label
    inputs = f"从业人员 {figures.employees} 人、营业收入 {figures.revenue_wan} 万元、资产总额 {figures.assets_wan} 万元"
    refusal = ""
    if size == SizeClass.LARGE:
        refusal = RefusalCode.LARGE
        reason = (
            f"按《中小企业划型标准规定》，{group.name}{describe_thresholds(group, SizeClass.LARGE)}为大型企业。"
            f"贵单位申报{inputs}，认定为大型企业；服务券仅支持中小微企业，不能领取额度。"
        )
    elif credit.outcome == CreditOutcome.FAIL:
        refusal = RefusalCode.CREDIT
        reason = f"划型结果为{size_label}企业，但信用核查未通过：{credit.reason}"
    elif credit.outcome != CreditOutcome.PASS:
        refusal = RefusalCode.CREDIT_UNKNOWN
        reason = f"划型结果为{size_label}企业，但信用核查结果无法确认：{credit.reason}"
    else:
        reason = f"按{group.name}划型标准，贵单位（{inputs}）为{size_label}企业，符合服务券支持对象条件。"
    if resolution.by_programme_rule:
        reason = resolution.explanation + reason
    return refusal, reason


def _checked_evidence(evidence: Any, last: SizeClassification | None) -> str:
    """The supporting statement a held re-declaration needs, checked; returns the name to keep."""
    if not evidence:
        raise ValidationError(
            {
                "evidence": ValidationError(
                    f"本年度已认定为{last.get_size_display() if last else ''}企业，此次申报将改变划型结果。"
                    "按本年度规定，须上传证明材料（如上年度财务报表），经市经信局确认后生效。",
                    code="evidence_required",
                )
            }
        )
    evidence_name = display_file_name(str(getattr(evidence, "name", "") or ""))
    inspect_upload(evidence, allowed=EVIDENCE_TYPES, field="evidence", name=evidence_name)
    return evidence_name


def _tell_pending(
    locked: Organisation, size_label: str, reason: str, last: SizeClassification | None
) -> None:
    """Tell the enterprise that its changed classification waits for the Bureau."""
    notify(
        recipients=active_members(locked, "party.enterprise"),
        kind="classification_pending",
        title=f"划型变更待确认：{size_label}企业",
        body=f"{reason} 本年度变更划型结果须经市经信局确认，确认前仍按原划型结果"
        f"（{last.get_size_display() if last else ''}企业）执行。",
        url=reverse("enterprises:result"),
    )


@transaction.atomic
def enterprise_classify(
    *,
    actor: Any,
    organisation: Organisation,
    programme: ProgrammeYear,
    industry_code: str,
    employees: Any,
    revenue_wan: Any,
    assets_wan: Any,
    evidence: Any = None,
) -> SizeClassification:
    """Classify the enterprise on last year's figures (企业划型认证), screen its credit, and open the
    year's quota account when it is an eligible SME. A re-classification keeps the earlier rows as history.
    大型 and a credit hit are stored as refusals with the exact reason.

    A re-declaration in the same year whose outcome (size or eligibility) differs from the current one is
    audited and told to the Bureau, and flagged on the enterprise's orders and claims. When the year sets
    ``redeclaration_needs_evidence``, it needs a supporting statement (``evidence``) and waits, not in
    force, for :func:`classification_review`.

    Kept whole: it is a single transaction whose steps (verdict, hold or supersede, store,
    tell) read best in order; the checks and the messages live in the helpers above.
    """
    can_act_for_enterprise(actor, organisation).enforce()
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _require_authenticated(locked)
    industry = _main_industry(industry_code)
    figures = _parse_figures(employees, revenue_wan, assets_wan)
    standard = SizeStandard.objects.get(is_current=True)
    resolution = resolve_group(standard, industry, programme.uncovered_industry_group)
    group = resolution.group
    size = classify(group, figures)
    size_label = SizeClass(size).label
    credit = credit_check(organisation=locked, actor=actor, context=CreditContext.CLASSIFICATION)

    refusal, reason = _verdict(figures, size, credit, resolution)

    last = (
        SizeClassification.objects.select_for_update()
        .filter(organisation=locked, programme=programme, is_current=True)
        .first()
    )
    changes = last is not None and (last.size, last.eligible) != (size, not refusal)
    held = changes and programme.redeclaration_needs_evidence
    evidence_name = ""
    if held:
        evidence_name = _checked_evidence(evidence, last)
    _withdraw_pending(actor, locked, programme)
    if last is not None and not held:
        _supersede(actor, last)
    record = SizeClassification(
        organisation=locked,
        programme=programme,
        standard=standard,
        industry=industry,
        industry_group=group,
        group_by_programme_rule=resolution.by_programme_rule,
        data_year=programme.year - 1,
        employees=figures.employees,
        revenue_wan=figures.revenue_wan,
        assets_wan=figures.assets_wan,
        size=size,
        eligible=not refusal,
        refusal_code=refusal,
        reason=reason,
        credit_check=credit,
        is_current=not held,
        previous=last,
        changes_outcome=changes,
        review_status=RedeclarationStatus.PENDING if held else "",
        classified_at=clock.now(),
        classified_by=actor if getattr(actor, "pk", None) else None,
    )
    if evidence_name:
        evidence.seek(0)
        record.evidence.save(evidence_name, ContentFile(evidence.read()), save=False)
        record.evidence_name = evidence_name
    record.save()
    audit_record(actor=actor, action="classification.created", obj=record, after=snapshot(record))
    if changes:
        assert last is not None
        _redeclaration_reported(actor, record, last)
    if held:
        _tell_pending(locked, size_label, reason, last)
        return record
    _classification_applied(actor, record)
    return record


def _supersede(actor: Any, old: SizeClassification) -> None:
    old.is_current = False
    old.save(update_fields=["is_current"])
    audit_record(
        actor=actor,
        action="classification.superseded",
        obj=old,
        before={"is_current": True},
        after={"is_current": False},
    )


def _withdraw_pending(actor: Any, organisation: Organisation, programme: ProgrammeYear) -> None:
    """A new declaration replaces a re-declaration still waiting for the Bureau."""
    for pending in SizeClassification.objects.select_for_update().filter(
        organisation=organisation, programme=programme, review_status=RedeclarationStatus.PENDING
    ):
        pending.review_status = RedeclarationStatus.REJECTED
        pending.review_note = "企业重新申报，此次变更申请作废。"
        pending.save(update_fields=["review_status", "review_note"])
        audit_record(
            actor=actor,
            action="classification.withdrawn",
            obj=pending,
            before={"review_status": RedeclarationStatus.PENDING},
            after={"review_status": pending.review_status},
        )


def _redeclaration_reported(actor: Any, record: SizeClassification, last: SizeClassification) -> None:
    """Audit the changed outcome and tell the Bureau."""
    change = redeclaration_summary(record, last)
    audit_record(
        actor=actor,
        action="classification.redeclared",
        obj=record,
        before={"classification_id": last.pk, "size": last.size, "eligible": last.eligible},
        after={"size": record.size, "eligible": record.eligible, "review_status": record.review_status},
        note=change,
    )
    waiting = "，待确认" if record.review_status == RedeclarationStatus.PENDING else ""
    notify(
        recipients=active_users_with("enterprises.manage"),
        kind="classification_redeclared",
        title=f"企业年度内变更划型结果{waiting}：{record.organisation.name}",
        body=f"{record.organisation.name}于{clock.local(record.classified_at):%Y-%m-%d %H:%M}重新申报划型，"
        f"结果由{change}。该企业的订单和兑券申请将显示此风险提示。",
        url=reverse("enterprises:detail", args=[record.organisation_id]),
    )


def _classification_applied(actor: Any, record: SizeClassification) -> None:
    """Open the quota account of an eligible classification in force and tell the enterprise."""
    organisation, programme = record.organisation, record.programme
    account = None
    if record.eligible:
        account = QuotaAccount.objects.filter(organisation=organisation, programme=programme).first()
        if account is None:
            account = quota_account_open(actor=actor, organisation=organisation, programme=programme)
    size_label = record.get_size_display()
    title = f"企业划型结果：{size_label}企业" + ("，已获得服务券额度" if account else "，不符合领券条件")
    body = record.reason + (f" 当前可用额度 {format_cny(account.available)}。" if account else "")
    notify(
        recipients=active_members(organisation, "party.enterprise"),
        kind="classification_result",
        title=title,
        body=body,
        url=reverse("enterprises:result"),
    )


@transaction.atomic
def classification_review(
    *, actor: Any, classification: SizeClassification, confirm: bool, note: str = ""
) -> SizeClassification:
    """The Bureau confirms (the new classification takes effect, replacing the current one) or rejects (the
    current one stays) a re-declaration waiting for its supporting statement to be checked."""
    can_review_classification(actor).enforce()
    record = (
        SizeClassification.objects.select_for_update()
        .select_related("organisation")
        .get(pk=classification.pk)
    )
    if record.review_status != RedeclarationStatus.PENDING:
        raise ValidationError(ValidationError("该划型变更不在待确认状态。", code="not_pending"))
    note = (note or "").strip()
    if not confirm and not note:
        raise ValidationError({"note": ValidationError("不予确认时请填写理由。", code="required")})
    Organisation.objects.select_for_update().get(pk=record.organisation_id)
    before = {"review_status": record.review_status, "is_current": record.is_current}
    if confirm:
        current = SizeClassification.objects.select_for_update().filter(
            organisation_id=record.organisation_id, programme_id=record.programme_id, is_current=True
        )
        for old in current:
            _supersede(actor, old)
        record.is_current = True
    record.review_status = RedeclarationStatus.CONFIRMED if confirm else RedeclarationStatus.REJECTED
    record.review_note = note[:500]
    record.reviewed_at = clock.now()
    record.reviewed_by = actor
    record.save(update_fields=["is_current", "review_status", "review_note", "reviewed_at", "reviewed_by"])
    audit_record(
        actor=actor,
        action="classification.reviewed",
        obj=record,
        before=before,
        after={"review_status": record.review_status, "is_current": record.is_current},
        note=note,
    )
    if confirm:
        _classification_applied(actor, record)
    else:
        notify(
            recipients=active_members(record.organisation, "party.enterprise"),
            kind="classification_rejected",
            title="划型变更未予确认",
            body=f"市经信局未确认贵单位的划型变更，仍按原划型结果执行。理由：{note}",
            url=reverse("enterprises:result"),
        )
    return record

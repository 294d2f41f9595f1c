"""Writes of the enterprises app: authentication, classification, quota ledger, credit list."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from voucher.accounts.choices import Role
from voucher.accounts.models import Organisation, User
from voucher.accounts.services import organisation_create, organisation_update, user_create
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.money import format_cny, to_money
from voucher.core.notifications import notify
from voucher.core.uploads import JPEG, PDF, PNG, check_sheet_size, display_file_name, inspect_upload
from voucher.enterprises import uscc as uscc_rules
from voucher.enterprises.choices import (
    AuthStatus,
    CreditContext,
    CreditOutcome,
    ImportStatus,
    LedgerKind,
    RedeclarationStatus,
    RefusalCode,
    SizeClass,
)
from voucher.enterprises.credit import credit_check
from voucher.enterprises.imports import ParsedRow
from voucher.enterprises.models import (
    CreditListEntry,
    CreditListImport,
    EnterpriseAuthentication,
    IndustryCode,
    QuotaAccount,
    QuotaLedgerEntry,
    QuotaTier,
    SizeClassification,
    SizeStandard,
)
from voucher.enterprises.permissions import (
    can_act_for_enterprise,
    can_manage_credit_list,
    can_move_quota,
    can_review_classification,
)
from voucher.enterprises.selectors import industry_classes_under, redeclaration_summary
from voucher.enterprises.sizing import Figures, classify, describe_thresholds, resolve_group
from voucher.programmes.models import ProgrammeYear
from voucher.programmes.selectors import programme_current

EVIDENCE_TYPES = (PDF, PNG, JPEG)


def _eligibility_flags(programme: ProgrammeYear | None) -> dict[str, bool]:
    return {
        "individual_businesses_eligible": bool(programme and programme.individual_businesses_eligible),
        "farmer_cooperatives_eligible": bool(programme and programme.farmer_cooperatives_eligible),
    }


def _field_error(field: str, exc: uscc_rules.UsccRefused) -> ValidationError:
    return ValidationError({field: ValidationError(exc.reason, code=exc.code)})


# --- authentication (E1, E2) ------------------------------------------------------------------


def uscc_registrable(uscc: str) -> uscc_rules.UsccInfo:
    """The credit code a new enterprise may register with (E1, E2), or a ``ValidationError`` at ``uscc``.

    Malformed codes, non-enterprise or non-Beijing units and codes already registered are refused with
    their reason; nothing is read but the code's own digits and whether an organisation holds it.
    """
    try:
        info = uscc_rules.check_eligible(uscc, **_eligibility_flags(programme_current()))
    except uscc_rules.UsccRefused as exc:
        raise _field_error("uscc", exc) from exc
    if Organisation.objects.filter(uscc=info.code).exists():
        raise ValidationError(
            {"uscc": ValidationError("该统一社会信用代码已注册，请直接登录。", code="uscc_taken")}
        )
    return info


@transaction.atomic
def enterprise_register(
    *,
    name: str,
    uscc: str,
    username: str,
    password: str,
    contact_name: str,
    contact_phone: str,
    registered_address: str = "",
) -> User:
    """Self sign-up of an enterprise: organisation, first user, and its authentication in one step.

    A code that is malformed or belongs to a non-enterprise / non-Beijing unit is refused at the field
    with its reason and nothing is created.
    """
    info = uscc_registrable(uscc)
    if User.objects.filter(username=username).exists():
        raise ValidationError(
            {"username": ValidationError("该用户名已被使用，请换一个。", code="username_taken")}
        )
    organisation = organisation_create(
        actor=None,
        name=name,
        uscc=info.code,
        is_enterprise=True,
        registered_address=registered_address,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    user = user_create(
        actor=None,
        username=username,
        password=password,
        role=Role.ENTERPRISE,
        organisation=organisation,
        display_name=contact_name,
        mobile=contact_phone,
    )
    enterprise_authenticate(actor=user, organisation=organisation, uscc=info.code)
    return user


@transaction.atomic
def enterprise_authenticate(
    *,
    actor: Any,
    organisation: Organisation,
    uscc: str,
    name: str | None = None,
    registered_address: str | None = None,
) -> EnterpriseAuthentication:
    """Confirm the organisation's credit code and details and decide E1/E2 (企业认证).

    A malformed code raises a field error; an eligibility refusal is stored with its reason and returned.
    """
    can_act_for_enterprise(actor, organisation).enforce()
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    try:
        info = uscc_rules.decode(uscc)
    except uscc_rules.UsccRefused as exc:
        raise _field_error("uscc", exc) from exc
    if locked.uscc and locked.uscc != info.code:
        raise ValidationError(
            {
                "uscc": ValidationError(
                    f"与本单位登记的统一社会信用代码 {locked.uscc} 不一致。", code="uscc_mismatch"
                )
            }
        )
    if not locked.uscc:
        if Organisation.objects.filter(uscc=info.code).exclude(pk=locked.pk).exists():
            raise ValidationError(
                {"uscc": ValidationError("该统一社会信用代码已被其他单位登记。", code="uscc_taken")}
            )
        before = snapshot(locked, ["uscc"])
        locked.uscc = info.code
        locked.save(update_fields=["uscc", "updated_at"])
        audit_record(
            actor=actor, action="organisation.uscc_set", obj=locked, before=before, after={"uscc": info.code}
        )
    changes = {
        k: v.strip()
        for k, v in {"name": name, "registered_address": registered_address}.items()
        if v is not None
    }
    changes = {k: v for k, v in changes.items() if v != getattr(locked, k)}
    if changes:
        locked = organisation_update(actor=actor, organisation=locked, **changes)

    values: dict[str, Any] = {
        "uscc": info.code,
        "authority_name": info.authority_name,
        "type_name": info.type_name,
        "division_code": info.division_code,
        "division_name": info.division_name,
        "checked_at": clock.now(),
        "checked_by": actor if getattr(actor, "pk", None) else None,
    }
    try:
        uscc_rules.check_eligible(info.code, **_eligibility_flags(programme_current()))
    except uscc_rules.UsccRefused as exc:
        values.update(status=AuthStatus.REFUSED, refusal_code=exc.code, reason=exc.reason)
    else:
        values.update(
            status=AuthStatus.VERIFIED,
            refusal_code="",
            reason=f"统一社会信用代码有效：{info.authority_name}登记的{info.type_name}，"
            f"登记管理机关 {info.division_code} {info.division_name}。",
        )
    existing = EnterpriseAuthentication.objects.select_for_update().filter(organisation=locked).first()
    before_auth = snapshot(existing) if existing else None
    auth, _ = EnterpriseAuthentication.objects.update_or_create(organisation=locked, defaults=values)
    audit_record(
        actor=actor,
        action="enterprise.authenticated" if auth.verified else "enterprise.authentication_refused",
        obj=auth,
        before=before_auth,
        after=snapshot(auth),
    )
    return auth


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


def quota_cap_for(
    programme: ProgrammeYear, tier: QuotaTier | None = None
) -> tuple[QuotaTier | None, Decimal]:
    """The tier and annual cap an enterprise gets: the given tier, the year's default tier, else the year's cap."""
    tier = tier or QuotaTier.objects.filter(programme=programme, is_default=True).first()
    return tier, (tier.cap if tier else programme.annual_cap_per_enterprise)


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
    """
    can_act_for_enterprise(actor, organisation).enforce()
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    auth = EnterpriseAuthentication.objects.filter(organisation=locked).first()
    if auth is None or not auth.verified:
        reason = auth.reason if auth else "请先完成企业认证（确认统一社会信用代码）。"
        raise ValidationError(
            ValidationError(f"尚未通过企业认证，不能划型：{reason}", code="not_authenticated")
        )
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
    figures = _parse_figures(employees, revenue_wan, assets_wan)
    standard = SizeStandard.objects.get(is_current=True)
    resolution = resolve_group(standard, industry, programme.uncovered_industry_group)
    group = resolution.group
    size = classify(group, figures)
    size_label = SizeClass(size).label
    credit = credit_check(organisation=locked, actor=actor, context=CreditContext.CLASSIFICATION)

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

    last = (
        SizeClassification.objects.select_for_update()
        .filter(organisation=locked, programme=programme, is_current=True)
        .first()
    )
    changes = last is not None and (last.size, last.eligible) != (size, not refusal)
    held = changes and programme.redeclaration_needs_evidence
    evidence_name = ""
    if held:
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
        notify(
            recipients=locked.members.filter(is_active=True, role=Role.ENTERPRISE),
            kind="classification_pending",
            title=f"划型变更待确认：{size_label}企业",
            body=f"{reason} 本年度变更划型结果须经市经信局确认，确认前仍按原划型结果"
            f"（{last.get_size_display() if last else ''}企业）执行。",
            url=reverse("enterprises:result"),
        )
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
        recipients=User.objects.filter(role=Role.ADMIN, is_active=True),
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
        recipients=organisation.members.filter(is_active=True, role=Role.ENTERPRISE),
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
            recipients=record.organisation.members.filter(is_active=True, role=Role.ENTERPRISE),
            kind="classification_rejected",
            title="划型变更未予确认",
            body=f"市经信局未确认贵单位的划型变更，仍按原划型结果执行。理由：{note}",
            url=reverse("enterprises:result"),
        )
    return record


# --- quota ledger (E6) ------------------------------------------------------------------------


@transaction.atomic
def quota_account_open(
    *, actor: Any, organisation: Organisation, programme: ProgrammeYear, tier: QuotaTier | None = None
) -> QuotaAccount:
    """Open the enterprise's account for the year with the tier's cap as the first (grant) entry."""
    can_move_quota(actor, organisation).enforce()
    if QuotaAccount.objects.filter(organisation=organisation, programme=programme).exists():
        raise ValidationError(
            ValidationError(f"该企业已有 {programme.year} 年度额度账户。", code="quota_exists")
        )
    tier, cap = quota_cap_for(programme, tier)
    account = QuotaAccount.objects.create(
        organisation=organisation,
        programme=programme,
        tier=tier,
        cap=cap,
        available=cap,
        opened_at=clock.now(),
    )
    _entry(
        account,
        LedgerKind.GRANT,
        cap,
        actor,
        "",
        f"{programme.year} 年度额度（{tier.name if tier else '默认'}）",
    )
    audit_record(actor=actor, action="quota.opened", obj=account, after=snapshot(account))
    return account


def _entry(
    account: QuotaAccount, kind: str, amount: Decimal, actor: Any, reference: str, note: str
) -> QuotaLedgerEntry:
    return QuotaLedgerEntry.objects.create(
        account=account,
        kind=kind,
        amount=amount,
        balance_after=account.available,
        reserved_after=account.reserved,
        committed_after=account.committed,
        paid_after=account.paid,
        reference=reference,
        note=note,
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
    )


BUCKET_LABELS = {
    "available": "可用额度",
    "reserved": "预占额度",
    "committed": "合同确认额度",
    "paid": "已兑付额度",
}


def _move(
    *,
    actor: Any,
    account: QuotaAccount,
    kind: str,
    amount: Any,
    reference: str,
    note: str,
    reserved: Decimal = Decimal("0"),
    committed: Decimal = Decimal("0"),
    paid: Decimal = Decimal("0"),
    locked_by_caller: bool = False,
) -> QuotaLedgerEntry:
    locked = (
        account
        if locked_by_caller
        else QuotaAccount.objects.select_for_update(of=("self",))
        .select_related("organisation", "programme")
        .get(pk=account.pk)
    )
    can_move_quota(actor, locked.organisation).enforce()
    before = snapshot(locked, ["reserved", "committed", "paid", "available"])
    new = {
        "reserved": locked.reserved + reserved,
        "committed": locked.committed + committed,
        "paid": locked.paid + paid,
    }
    new["available"] = locked.cap - new["reserved"] - new["committed"] - new["paid"]
    for bucket, value in new.items():
        if value < 0:
            have = getattr(locked, bucket)
            raise ValidationError(
                {
                    "amount": ValidationError(
                        f"{BUCKET_LABELS[bucket]}不足：当前 {format_cny(have)}。",
                        code=f"quota_{bucket}_insufficient",
                    )
                }
            )
    for bucket, value in new.items():
        setattr(locked, bucket, value)
    locked.save(update_fields=list(new))
    entry = _entry(locked, kind, to_money(amount), actor, reference, note)
    account.reserved, account.committed, account.paid, account.available = (
        locked.reserved,
        locked.committed,
        locked.paid,
        locked.available,
    )
    audit_record(
        actor=actor,
        action=f"quota.{kind}",
        obj=locked,
        before=before,
        after=snapshot(locked, ["reserved", "committed", "paid", "available"]),
        note=f"{reference} {note}".strip(),
    )
    return entry


def _positive(amount: Any, field: str = "amount") -> Decimal:
    value = to_money(amount)
    if value <= 0:
        raise ValidationError({field: ValidationError("金额必须大于 0。", code="amount_not_positive")})
    return value


def quota_reserve(
    *, actor: Any, account: QuotaAccount, amount: Any, reference: str, note: str = "", locked: bool = False
) -> QuotaLedgerEntry:
    """Reserve ``amount`` for an open order (O5); refused when it exceeds the available quota.

    ``locked=True``: the caller's transaction already holds ``account`` with ``SELECT … FOR UPDATE``
    (read after the lock, unchanged since), so it is not read again, and a refusal aborts the caller's
    transaction (no savepoint of its own).
    """
    value = _positive(amount)
    with transaction.atomic(savepoint=not locked):
        return _move(
            actor=actor,
            account=account,
            kind=LedgerKind.RESERVE,
            amount=value,
            reference=reference,
            note=note,
            reserved=value,
            locked_by_caller=locked,
        )


@transaction.atomic
def quota_release(
    *, actor: Any, account: QuotaAccount, amount: Any, reference: str, note: str = ""
) -> QuotaLedgerEntry:
    """Give back a reservation (order cancelled, declined or not accepted in time — O6, O7)."""
    value = _positive(amount)
    return _move(
        actor=actor,
        account=account,
        kind=LedgerKind.RELEASE,
        amount=value,
        reference=reference,
        note=note,
        reserved=-value,
    )


@transaction.atomic
def quota_commit(
    *, actor: Any, account: QuotaAccount, amount: Any, reserved_amount: Any, reference: str, note: str = ""
) -> QuotaLedgerEntry:
    """Replace an order's reservation (``reserved_amount``) by the contract's deduction (``amount``, C2)."""
    value = _positive(amount)
    held = to_money(reserved_amount)
    return _move(
        actor=actor,
        account=account,
        kind=LedgerKind.COMMIT,
        amount=value,
        reference=reference,
        note=note,
        reserved=-held,
        committed=value,
    )


@transaction.atomic
def quota_pay(
    *, actor: Any, account: QuotaAccount, amount: Any, committed_amount: Any, reference: str, note: str = ""
) -> QuotaLedgerEntry:
    """Pay out ``amount`` (≤ the contract's committed deduction, R6); the unpaid rest returns to available."""
    value = _positive(amount)
    held = to_money(committed_amount)
    if value > held:
        raise ValidationError(
            {
                "amount": ValidationError(
                    "兑付金额不能超过合同约定的服务券抵用额度。", code="payout_above_commit"
                )
            }
        )
    return _move(
        actor=actor,
        account=account,
        kind=LedgerKind.PAY,
        amount=value,
        reference=reference,
        note=note,
        committed=-held,
        paid=value,
    )


@transaction.atomic
def quota_claw_back(
    *, actor: Any, account: QuotaAccount, amount: Any, reference: str, note: str = ""
) -> QuotaLedgerEntry:
    """Record subsidy recovered after payout (M1): the paid total falls and the quota becomes available again."""
    value = _positive(amount)
    return _move(
        actor=actor,
        account=account,
        kind=LedgerKind.CLAWBACK,
        amount=value,
        reference=reference,
        note=note,
        paid=-value,
    )


# --- credit list (E4) -------------------------------------------------------------------------


@transaction.atomic
def credit_list_entry_create(
    *,
    actor: Any,
    uscc: str,
    name: str,
    kind: str,
    recorded_on: Any,
    source: str = "",
    note: str = "",
    imported_from: CreditListImport | None = None,
) -> CreditListEntry:
    """Add one record to the credit list."""
    can_manage_credit_list(actor).enforce()
    try:
        code = uscc_rules.validate_format(uscc)
    except uscc_rules.UsccRefused as exc:
        raise _field_error("uscc", exc) from exc
    entry = CreditListEntry(
        uscc=code,
        name=name.strip(),
        kind=kind,
        recorded_on=recorded_on,
        source=source,
        note=note,
        imported_from=imported_from,
        created_at=clock.now(),
        created_by=actor,
    )
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, action="credit_list.added", obj=entry, after=snapshot(entry))
    listed = Organisation.objects.filter(uscc=code)
    notify(
        recipients=User.objects.filter(organisation__in=listed, is_active=True),
        kind="credit_listed",
        title="贵单位已被列入信用名单",
        body=f"{entry.get_kind_display()}（认定日期 {entry.recorded_on}）。此后的信用核查将不能通过，如有异议请联系市经信局。",
    )
    return entry


@transaction.atomic
def credit_list_entry_deactivate(*, actor: Any, entry: CreditListEntry, note: str = "") -> CreditListEntry:
    """Take a record off the active list (e.g. the court removed the debtor); the row is kept."""
    can_manage_credit_list(actor).enforce()
    locked = CreditListEntry.objects.select_for_update().get(pk=entry.pk)
    before = snapshot(locked, ["active", "note"])
    locked.active = False
    if note:
        locked.note = note[:300]
    locked.save(update_fields=["active", "note"])
    audit_record(
        actor=actor,
        action="credit_list.deactivated",
        obj=locked,
        before=before,
        after=snapshot(locked, ["active", "note"]),
    )
    return locked


@transaction.atomic
def credit_list_import_preview(
    *, actor: Any, file_name: str, content: bytes, progress: Callable[[int, int], None] | None = None
) -> CreditListImport:
    """Parse an uploaded CSV or Excel file and hold it for preview with row-level errors; nothing is listed yet.
    ``progress(done, total)`` follows the rows read (a background job shows it)."""
    from voucher.enterprises.imports import parse_credit_list

    can_manage_credit_list(actor).enforce()
    file_name = display_file_name(file_name, limit=200)
    if file_name.lower().endswith(".xlsx"):
        # Zip bombs and oversized sheets are refused before openpyxl opens the file; nothing is stored.
        check_sheet_size(content, name=file_name, field="file")
    rows, errors = parse_credit_list(file_name, content, progress=progress)
    batch = CreditListImport.objects.create(
        file_name=file_name,
        rows=[r.as_json() for r in rows],
        errors=errors,
        uploaded_at=clock.now(),
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action="credit_list.import_previewed",
        obj=batch,
        after={"rows": len(rows), "errors": len(errors)},
    )
    return batch


@transaction.atomic
def credit_list_import_apply(
    *, actor: Any, batch: CreditListImport, progress: Callable[[int, int], None] | None = None
) -> list[CreditListEntry]:
    """Add the valid rows of a previewed import to the list; ``progress(done, total)`` follows the rows."""
    can_manage_credit_list(actor).enforce()
    locked = CreditListImport.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportStatus.PREVIEW:
        raise ValidationError(ValidationError("该导入批次已处理，不能重复导入。", code="import_not_pending"))
    if not locked.rows:
        raise ValidationError(ValidationError("没有可导入的有效行。", code="import_empty"))
    entries = []
    for done, row in enumerate(locked.rows):
        if progress is not None:
            progress(done, len(locked.rows))
        entries.append(
            credit_list_entry_create(
                actor=actor, imported_from=locked, **ParsedRow.from_json(row).as_kwargs()
            )
        )
    locked.status = ImportStatus.APPLIED
    locked.applied_at = clock.now()
    locked.save(update_fields=["status", "applied_at"])
    audit_record(
        actor=actor,
        action="credit_list.imported",
        obj=locked,
        before={"status": ImportStatus.PREVIEW},
        after={"status": locked.status, "entries": len(entries)},
    )
    batch.status, batch.applied_at = locked.status, locked.applied_at
    return entries


@transaction.atomic
def credit_list_import_discard(*, actor: Any, batch: CreditListImport) -> CreditListImport:
    """Drop a previewed import without listing anything."""
    can_manage_credit_list(actor).enforce()
    locked = CreditListImport.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportStatus.PREVIEW:
        raise ValidationError(ValidationError("该导入批次已处理。", code="import_not_pending"))
    locked.status = ImportStatus.DISCARDED
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="credit_list.import_discarded",
        obj=locked,
        before={"status": ImportStatus.PREVIEW},
        after={"status": locked.status},
    )
    return locked


@transaction.atomic
def quota_adjust_commitment(
    *, actor: Any, account: QuotaAccount, old_amount: Any, new_amount: Any, reference: str, note: str = ""
) -> QuotaLedgerEntry | None:
    """Change a contract's committed deduction from ``old_amount`` to ``new_amount`` (contract amended, C2).

    The difference moves between committed and available; an increase beyond the available quota is
    refused. Recorded as a commitment entry of the difference; nothing is written when nothing changes.
    """
    old, new = to_money(old_amount), to_money(new_amount)
    if new <= 0:
        raise ValidationError({"amount": ValidationError("金额必须大于 0。", code="amount_not_positive")})
    if old == new:
        return None
    return _move(
        actor=actor,
        account=account,
        kind=LedgerKind.COMMIT,
        amount=abs(new - old),
        reference=reference,
        note=(note or f"合同变更：抵用额度 {format_cny(old)} → {format_cny(new)}")[:300],
        committed=new - old,
    )


@transaction.atomic
def quota_release_commitment(
    *, actor: Any, account: QuotaAccount, amount: Any, reference: str, note: str = ""
) -> QuotaLedgerEntry:
    """Give back a contract's committed deduction that will never be paid (claim waived or order void, R5/R6)."""
    value = _positive(amount)
    return _move(
        actor=actor,
        account=account,
        kind=LedgerKind.RELEASE,
        amount=value,
        reference=reference,
        note=note,
        committed=-value,
    )

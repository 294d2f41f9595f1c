"""Reads of enterprise records, filtered by what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from voucher.accounts.models import Organisation
from voucher.core import clock
from voucher.core.permissions import ALLOWED, Decision, deny
from voucher.enterprises.choices import CreditOutcome
from voucher.enterprises.models import (
    CreditCheck,
    CreditListEntry,
    CreditListImport,
    EnterpriseAuthentication,
    IndustryCode,
    QuotaAccount,
    QuotaLedgerEntry,
    SizeClassification,
)
from voucher.enterprises.permissions import can_list_enterprises, can_manage_credit_list, can_view_enterprise
from voucher.programmes.choices import RequirementKind
from voucher.programmes.models import ProgrammeYear, Requirement


@dataclass
class EnterpriseStatus:
    """Everything the wizard, the quota page and the ordering feature need about one enterprise in one year."""

    organisation: Organisation
    programme: ProgrammeYear | None
    authentication: EnterpriseAuthentication | None
    classification: SizeClassification | None
    account: QuotaAccount | None
    last_credit_check: CreditCheck | None

    @property
    def step(self) -> str:
        if self.authentication is None or not self.authentication.verified:
            return "authenticate"
        if self.classification is None:
            return "classify"
        return "result"


def enterprise_status(
    *, user: Any, organisation: Organisation, programme: ProgrammeYear | None
) -> EnterpriseStatus:
    can_view_enterprise(user, organisation).enforce()
    return EnterpriseStatus(
        organisation=organisation,
        programme=programme,
        authentication=EnterpriseAuthentication.objects.filter(organisation=organisation).first(),
        classification=(
            SizeClassification.objects.select_related(
                "industry", "industry_group", "credit_check", "standard"
            )
            .filter(organisation=organisation, programme=programme, is_current=True)
            .first()
            if programme
            else None
        ),
        account=QuotaAccount.objects.filter(organisation=organisation, programme=programme).first()
        if programme
        else None,
        last_credit_check=CreditCheck.objects.filter(organisation=organisation).first(),
    )


def enterprise_eligibility(*, organisation: Organisation, programme: ProgrammeYear) -> Decision:
    """May this enterprise use vouchers this year (O2 prerequisites owned here: E1–E4, E6)?"""
    return eligibility_decision(
        auth=EnterpriseAuthentication.objects.filter(organisation=organisation).first(),
        current=SizeClassification.objects.filter(
            organisation=organisation, programme=programme, is_current=True
        ).first(),
        last=CreditCheck.objects.filter(organisation=organisation).first(),
        account=QuotaAccount.objects.filter(organisation=organisation, programme=programme).first(),
    )


def eligibility_decision(
    *,
    auth: EnterpriseAuthentication | None,
    current: SizeClassification | None,
    last: CreditCheck | None,
    account: QuotaAccount | None,
) -> Decision:
    """:func:`enterprise_eligibility` from records already read (the ordering path reads them in one query):
    the authentication, the year's current classification, the latest credit check and the year's account."""
    if auth is None:
        return deny("请先完成企业认证。", "not_authenticated")
    if not auth.verified:
        return deny(auth.reason, auth.refusal_code or "not_authenticated")
    if current is None:
        return deny("请先完成企业划型认证。", "not_classified")
    if not current.eligible:
        return deny(current.reason, current.refusal_code or "not_eligible")
    if last is not None and last.outcome != CreditOutcome.PASS:
        return deny(f"信用核查未通过：{last.reason}", "credit")
    if account is None:
        return deny("尚未开立本年度额度账户。", "no_quota")
    if account.available <= 0:
        return deny("本年度服务券额度已用完。", "quota_exhausted")
    return ALLOWED


def industry_codes_for(programme: ProgrammeYear | None) -> list[str]:
    """The E5 code prefixes for digital marketing from the year's rule (K4: C13, C14, C1515)."""
    if programme is None:
        return []
    rule = Requirement.objects.filter(
        direction__programme=programme, kind=RequirementKind.ENTERPRISE_INDUSTRY
    ).first()
    return list(rule.params.get("gbt4754_codes", [])) if rule else []


def digital_marketing_eligible(industry: IndustryCode | None, programme: ProgrammeYear | None) -> Decision:
    """E5: the main-business code lies under one of the year's prefixes (C1515 is a class under C151;
    C1513 啤酒制造 is not under any of C13, C14, C1515)."""
    prefixes = industry_codes_for(programme)
    if industry is None:
        return deny("尚未申报主营业务行业。", "no_industry")
    if any(industry.code.startswith(p) for p in prefixes):
        return ALLOWED
    return deny(
        f"数字化营销服务仅支持行业代码属于 {'、'.join(prefixes)} 的企业；贵单位主营业务为 {industry}。",
        "industry_not_eligible",
    )


def redeclaration_summary(record: SizeClassification, last: SizeClassification) -> str:
    """The change in words, e.g. "大型（不符合领券条件）→ 小型（符合领券条件）"."""

    def outcome(c: SizeClassification) -> str:
        return f"{c.get_size_display()}（{'符合' if c.eligible else '不符合'}领券条件）"

    return f"{outcome(last)} → {outcome(record)}"


def redeclaration_warnings(*, organisation_id: int, programme_id: int) -> list[str]:
    """The year's re-declarations that changed the enterprise's size outcome, as sentences for the risk
    flags on its orders and claims (oldest first)."""
    rows = (
        SizeClassification.objects.filter(
            organisation_id=organisation_id, programme_id=programme_id, changes_outcome=True
        )
        .select_related("previous")
        .order_by("classified_at", "pk")
    )
    out = []
    for row in rows:
        assert row.previous is not None
        state = f"（{row.get_review_status_display()}）" if row.review_status else ""
        out.append(
            f"{clock.local(row.classified_at):%Y-%m-%d %H:%M} 重新申报划型，结果由"
            f"{redeclaration_summary(row, row.previous)}{state}"
        )
    return out


def classification_history(*, organisation: Organisation) -> QuerySet[SizeClassification]:
    """Every declaration of the enterprise with its time, newest first (E3 history, kept for good)."""
    return (
        SizeClassification.objects.filter(organisation=organisation)
        .select_related("industry", "programme", "reviewed_by")
        .order_by("-classified_at", "-pk")
    )


def industry_search(query: str = "", *, limit: int = 50, level: str = "") -> QuerySet[IndustryCode]:
    """GB/T 4754-2017 codes whose code contains the query (``6511``, ``i65``) or whose name contains it
    (``软件``); ``level="class"`` keeps the 小类 an enterprise declares."""
    qs = IndustryCode.objects.all()
    if level:
        qs = qs.filter(level=level)
    q = query.strip()
    if q:
        qs = qs.filter(Q(code__contains=q.upper()) | Q(name__contains=q))
    return qs.order_by("code")[:limit]


def industry_classes_under(industry: IndustryCode) -> QuerySet[IndustryCode]:
    """The 小类 under ``industry`` (itself when it is one)."""
    return IndustryCode.objects.filter(level="class", code__startswith=industry.code).order_by("code")


def classifications_visible_to(
    user: Any, organisation: Organisation | None = None
) -> QuerySet[SizeClassification]:
    qs = SizeClassification.objects.select_related("organisation", "industry", "industry_group", "programme")
    if organisation is not None:
        can_view_enterprise(user, organisation).enforce()
        return qs.filter(organisation=organisation)
    can_list_enterprises(user).enforce()
    return qs.filter(is_current=True)


def ledger_for(*, user: Any, account: QuotaAccount) -> QuerySet[QuotaLedgerEntry]:
    can_view_enterprise(user, account.organisation).enforce()
    return account.entries.order_by("-id")


def credit_list(*, user: Any, query: str = "") -> QuerySet[CreditListEntry]:
    can_manage_credit_list(user).enforce()
    qs = CreditListEntry.objects.all()
    if query:
        qs = qs.filter(Q(uscc__icontains=query) | Q(name__contains=query))
    return qs


def credit_imports(*, user: Any) -> QuerySet[CreditListImport]:
    can_manage_credit_list(user).enforce()
    return CreditListImport.objects.select_related("uploaded_by")

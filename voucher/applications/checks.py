"""Automatic provider and product conditions (guide §三, SPEC P9, K1–K6), computed at submission.

Each check gives pass / fail / unknown with the evidence it looked at; reviewers see them (V1).
Thresholds come from the programme year and the direction's Requirement rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from voucher.applications.choices import IP_SALES_FLAGS, CheckOutcome, MaterialKind
from voucher.applications.models import Application, Material, ProviderDossier
from voucher.applications.rules import (
    applicable_requirements,
    exclusive_lines,
    product_lines,
    software_categories,
)
from voucher.core.money import round_money, wan_to_yuan
from voucher.programmes.choices import RequirementKind
from voucher.programmes.models import Requirement

PASS, FAIL, UNKNOWN = CheckOutcome.PASS, CheckOutcome.FAIL, CheckOutcome.UNKNOWN


@dataclass
class CheckResult:
    code: str
    title: str
    outcome: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)


def full_years_between(start: dt.date, end: dt.date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def check_established(application: Application, today: dt.date) -> CheckResult:
    programme = application.programme
    need = programme.provider_min_years_established
    title = f"依法注册，成立{need}年（含）以上"
    established = application.organisation.established_on
    if established is None:
        return CheckResult("P9-1", title, UNKNOWN, "企业信息中未填写成立日期。", {"要求（年）": need})
    years = full_years_between(established, today)
    evidence = {
        "成立日期": established.isoformat(),
        "核验日期": today.isoformat(),
        "已成立（整年）": years,
        "要求（年）": need,
    }
    if years >= need:
        return CheckResult(
            "P9-1", title, PASS, f"成立于{established:%Y年%m月%d日}，已满{years}年。", evidence
        )
    return CheckResult("P9-1", title, FAIL, f"成立于{established:%Y年%m月%d日}，不满{need}年。", evidence)


def check_contracts(
    application: Application, dossier: ProviderDossier | None, provider_files: list[Material]
) -> CheckResult:
    programme = application.programme
    need = programme.provider_min_beijing_sme_contracts
    last_year = programme.year - 1
    title = f"{last_year}年度与北京市中小微企业签订合同不少于{need}份"
    entries = [
        c
        for c in (dossier.sme_contracts if dossier else [])
        if isinstance(c, dict) and str(c.get("signed_on", "")).startswith(f"{last_year}-")
    ]
    scans = sum(1 for m in provider_files if m.kind == MaterialKind.SME_CONTRACTS)
    counted = max(len(entries), scans)
    evidence = {"录入合同清单（上年度）": len(entries), "合同扫描件": scans, "计数": counted, "要求": need}
    if counted == 0:
        return CheckResult("P9-4a", title, UNKNOWN, "未录入合同清单，也未上传合同扫描件。", evidence)
    if counted >= need:
        return CheckResult("P9-4a", title, PASS, f"上年度合同{counted}份，不少于{need}份。", evidence)
    return CheckResult("P9-4a", title, FAIL, f"上年度合同仅{counted}份，少于{need}份。", evidence)


def check_revenue(application: Application, dossier: ProviderDossier | None) -> CheckResult:
    programme = application.programme
    need = programme.provider_min_revenue
    title = f"{programme.year - 1}年度营业收入不低于{(need / 10000).normalize():f}万元"
    revenue_wan = dossier.revenue_last_year_wan if dossier else None
    if revenue_wan is None:
        return CheckResult(
            "P9-4b", title, UNKNOWN, "申报资料中未填写上年度营业收入。", {"要求（元）": str(need)}
        )
    revenue = wan_to_yuan(revenue_wan)
    evidence = {"上年度营业收入（元）": str(revenue), "要求（元）": str(need)}
    if revenue >= need:
        return CheckResult("P9-4b", title, PASS, f"上年度营业收入{revenue_wan}万元，达到要求。", evidence)
    return CheckResult("P9-4b", title, FAIL, f"上年度营业收入{revenue_wan}万元，低于要求。", evidence)


def check_credit(application: Application, actor: Any) -> CheckResult:
    programme = application.programme
    title = f"近{programme.credit_lookback_years}年无严重失信记录，未被纳入失信被执行人名单"
    try:
        from voucher.enterprises.credit import credit_check
    except ImportError:
        return CheckResult("P9-3", title, UNKNOWN, "信用核查服务暂不可用，请评审时人工核查。", {})
    record = credit_check(organisation=application.organisation, actor=actor, context="application")
    outcome = str(getattr(record, "outcome", UNKNOWN))
    if outcome not in {PASS, FAIL, UNKNOWN}:
        outcome = UNKNOWN
    checked_at = getattr(record, "checked_at", None)
    reason = str(getattr(record, "reason", "") or "")
    evidence = {
        "核查记录": getattr(record, "pk", None),
        "核查时间": checked_at.isoformat() if checked_at else None,
        "结论": outcome,
    }
    return CheckResult("P9-3", title, outcome, reason or CheckOutcome(outcome).label, evidence)


def check_ip_sales(application: Application, product_files: list[Material]) -> CheckResult:
    title = "产品具有完整的知识产权、销售体系及售后服务"
    declared = [label for name, label in IP_SALES_FLAGS.items() if getattr(application, name)]
    proofs = sum(1 for m in product_files if m.kind == MaterialKind.IP_PROOF)
    evidence = {"申报情况": "、".join(declared) or "无", "证明文件": proofs}
    if not declared:
        return CheckResult("P9-5", title, FAIL, "未选择知识产权、销售资质、销售体系或售后服务。", evidence)
    if proofs == 0:
        return CheckResult("P9-5", title, FAIL, "未上传知识产权或销售/售后体系证明文件。", evidence)
    return CheckResult("P9-5", title, PASS, f"具备{'、'.join(declared)}，已上传证明{proofs}份。", evidence)


def check_price(application: Application, today: dt.date) -> CheckResult:
    programme = application.programme
    months = programme.price_proof_months
    title = f"产品价格不高于近{months}个月实际成交平均价格"
    since = months_before(today, months)
    deals = [t for t in application.price_transactions.all() if since <= t.transacted_on <= today]
    evidence: dict[str, Any] = {
        "统计区间": f"{since.isoformat()} 至 {today.isoformat()}",
        "区间内成交笔数": len(deals),
        "要求套数": programme.price_proof_sets,
        "申报价格（元）": str(application.price_amount) if application.price_amount is not None else None,
    }
    if not deals or application.price_amount is None:
        return CheckResult(
            "P9-6", title, UNKNOWN, f"未录入近{months}个月的成交记录，无法计算平均成交价格。", evidence
        )
    average = round_money(sum((t.amount for t in deals), Decimal(0)) / Decimal(len(deals)))
    evidence["平均成交价格（元）"] = str(average)
    note = (
        f"（录入{len(deals)}笔，要求{programme.price_proof_sets}套）"
        if len(deals) < programme.price_proof_sets
        else ""
    )
    if application.price_amount <= average:
        return CheckResult(
            "P9-6",
            title,
            PASS,
            f"申报价格{application.price_amount}元不高于平均成交价格{average}元{note}。",
            evidence,
        )
    return CheckResult(
        "P9-6",
        title,
        FAIL,
        f"申报价格{application.price_amount}元高于平均成交价格{average}元{note}。",
        evidence,
    )


def _software_category_check(requirement: Requirement, application: Application) -> CheckResult:
    """K2b: the declared category (refused at save when excluded) and a screen of the name, summary and
    category note for the excluded tool kinds — a hit is for the reviewer to judge, shown as a flag."""
    code, title = requirement.code, requirement.title
    cats = software_categories(requirement.direction, requirement.subtype)
    assert cats is not None
    declared = cats.code_of(application.software_type)
    label = cats.name(declared) if declared else "未选择"
    if declared == cats.other and application.software_type_note:
        label = f"{label}：{application.software_type_note}"
    hits = cats.screen(
        {
            "产品名称": application.product_name,
            "产品简介": application.summary,
            "类别说明": application.software_type_note,
        }
    )
    evidence: dict[str, Any] = {"软件类别": label, "指南除外": "、".join(cats.excluded.values())}
    if hits:
        evidence["筛查命中"] = hits
    if not declared:
        return CheckResult(code, title, UNKNOWN, "未选择软件类别。", evidence)
    if declared in cats.excluded:
        return CheckResult(code, title, FAIL, f"软件类别“{label}”属于指南除外的工具类软件。", evidence)
    if hits:
        return CheckResult(
            code,
            title,
            UNKNOWN,
            f"风险提示：{'；'.join(hits)}。请核实产品是否仅为指南除外的工具类软件。",
            evidence,
        )
    return CheckResult(code, title, PASS, f"软件类别“{label}”，名称和简介未见指南除外的工具类型。", evidence)


def _cac_filing_check(code: str, title: str, params: dict[str, Any], application: Application) -> CheckResult:
    """K: the CAC filing (model name, filing unit, filing number) is filled in."""
    names = {
        "model_name": "cac_model_name",
        "filing_unit": "cac_filing_unit",
        "filing_number": "cac_filing_number",
    }
    wanted = params.get("fields") or list(names)
    values = {f: getattr(application, names.get(f, f"cac_{f}"), "") for f in wanted}
    missing = [f for f, v in values.items() if not v]
    if missing:
        return CheckResult(
            code, title, FAIL, "未完整填写网信办备案信息（模型名称、备案单位、备案号）。", values
        )
    return CheckResult(code, title, PASS, f"备案号：{application.cac_filing_number}。", values)


def _qualification_check(
    code: str,
    title: str,
    params: dict[str, Any],
    dossier: ProviderDossier | None,
    provider_files: list[Material],
) -> CheckResult:
    """K: the provider declares one of the qualifications asked for and has uploaded its proof."""
    options: dict[str, str] = {
        str(i["code"]): str(i.get("name") or i["code"])
        for i in params.get("any_of", [])
        if isinstance(i, dict)
    }
    held = [c for c in (dossier.qualifications if dossier else []) if c in options]
    proofs = sum(1 for m in provider_files if m.kind == MaterialKind.QUALIFICATIONS)
    evidence = {
        "要求（任一）": "、".join(options.values()),
        "已声明": "、".join(options[c] for c in held) or "无",
        "资质证明文件": proofs,
    }
    if not held:
        return CheckResult(code, title, FAIL, f"未声明具备{'或'.join(options.values())}。", evidence)
    if proofs == 0:
        return CheckResult(code, title, UNKNOWN, "已声明资质，但未上传资质证明文件。", evidence)
    return CheckResult(
        code, title, PASS, f"具备{'、'.join(options[c] for c in held)}，已上传证明。", evidence
    )


def _exclusive_lines_check(code: str, title: str, application: Application) -> CheckResult:
    """K: the provider has not also applied for a product line exclusive with this one."""
    codes = exclusive_lines(application.direction)  # type: ignore[arg-type]
    names = dict(product_lines(application.direction))  # type: ignore[arg-type]
    others = list(
        Application.objects.filter(
            organisation=application.organisation,
            programme=application.programme,
            direction=application.direction,
        )
        .exclude(pk=application.pk)
        .exclude(status="rejected")
        .filter(product_line__in=codes)
        .exclude(product_line=application.product_line)
        .values_list("product_name", "product_line")
    )
    evidence = {
        "本产品线": names.get(application.product_line, application.product_line),
        "冲突申报": [f"{n}（{names.get(c, c)}）" for n, c in others],
    }
    if others:
        return CheckResult(code, title, FAIL, "同一服务商同时申请了咨询和认证产品。", evidence)
    return CheckResult(code, title, PASS, "未同时申请互斥的产品线。", evidence)


def check_requirement(
    requirement: Requirement,
    application: Application,
    dossier: ProviderDossier | None,
    provider_files: list[Material],
) -> CheckResult:
    """One direction rule (K1–K6) according to its kind and params."""
    code, title, params = requirement.code, requirement.title, requirement.params or {}
    kind = requirement.kind
    if kind == RequirementKind.CAC_FILING:
        return _cac_filing_check(code, title, params, application)
    if kind == RequirementKind.PROVIDER_QUALIFICATION:
        return _qualification_check(code, title, params, dossier, provider_files)
    if kind == RequirementKind.EXCLUDED_PRODUCT_TYPES:
        return _software_category_check(requirement, application)
    if kind == RequirementKind.EXCLUSIVE_PRODUCT_LINES:
        return _exclusive_lines_check(code, title, application)
    # Enterprise-side rules (K4): checked when an enterprise orders, not a provider condition.
    return CheckResult(
        code,
        title,
        PASS,
        "该要求适用于购买企业，在下单环节核验（E5），不影响服务商申报。",
        {"规则类型": requirement.get_kind_display()},
    )


def compute_checks(application: Application, *, actor: Any, today: dt.date) -> list[CheckResult]:
    """Every P9 and K check for ``application`` as it stands."""
    dossier = ProviderDossier.objects.filter(
        organisation=application.organisation, programme=application.programme
    ).first()
    provider_files = list(
        Material.objects.filter(
            organisation=application.organisation, programme=application.programme, application__isnull=True
        )
    )
    product_files = list(application.materials.all())
    results = [
        check_established(application, today),
        check_credit(application, actor),
        check_contracts(application, dossier, provider_files),
        check_revenue(application, dossier),
        check_ip_sales(application, product_files),
        check_price(application, today),
    ]
    if application.direction is not None:
        for requirement in applicable_requirements(
            application.direction, application.subtype, application.product_line
        ):
            results.append(check_requirement(requirement, application, dossier, provider_files))
    return results

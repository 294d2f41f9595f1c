"""Automatic pre-checks of a claim (SPEC R8), each pass / fail / cannot tell with its evidence.

A scanned contract without a text layer gives "cannot tell" for the three contract checks: the
reviewer reads the scan; the platform never passes what it could not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from voucher.claims.choices import SLOTS, CheckCode, CheckOutcome, MaterialKind
from voucher.claims.models import Claim, ClaimMaterial
from voucher.core import clock
from voucher.core.money import format_cny
from voucher.enterprises.models import SizeClassification
from voucher.enterprises.selectors import digital_marketing_eligible
from voucher.programmes.choices import RequirementKind


@dataclass
class Result:
    code: str
    outcome: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(CheckCode(self.code).label)


def is_digital_marketing(claim: Claim) -> bool:
    """Orders of a direction with the enterprise-industry rule (K4/E5) need the industry proof."""
    return claim.order.product.direction.requirements.filter(
        kind=RequirementKind.ENTERPRISE_INDUSTRY
    ).exists()


def required_kinds(claim: Claim) -> list[str]:
    marketing = is_digital_marketing(claim)
    return [
        kind for kind, slot in SLOTS.items() if slot.single and (marketing or not slot.digital_marketing_only)
    ]


def current_materials(claim: Claim) -> list[ClaimMaterial]:
    return list(claim.materials.filter(superseded_at__isnull=True).order_by("kind", "uploaded_at", "id"))


def squash(text: str) -> str:
    """Text without any whitespace, so line breaks and table cells do not hide a match."""
    return re.sub(r"\s+", "", text or "")


def order_time_forms(moment: Any) -> list[str]:
    """Accepted spellings of the order time: ``YYYY-MM-DD HH:MM[:SS]``, ``YYYY/MM/DD HH:MM`` and the Chinese
    date ``YYYY年M月D日`` (with or without zero padding and time)."""
    t = clock.local(moment)
    forms = [
        f"{t:%Y-%m-%d %H:%M}",
        f"{t:%Y/%m/%d %H:%M}",
        f"{t.year}年{t.month}月{t.day}日",
        f"{t:%Y年%m月%d日}",
    ]
    return [squash(f) for f in forms]


def _contract_checks(claim: Claim, contract_file: ClaimMaterial | None) -> list[Result]:
    order = claim.order
    wanted = [
        (CheckCode.CONTRACT_ORDER_NUMBER, "系统订单编号", [squash(order.number)], order.number),
        (
            CheckCode.CONTRACT_ORDER_TIME,
            "系统下单时间",
            order_time_forms(order.ordered_at),
            f"{clock.local(order.ordered_at):%Y-%m-%d %H:%M}",
        ),
        (CheckCode.CONTRACT_PRODUCT_NAME, "产品名称", [squash(order.product.name)], order.product.name),
    ]
    results = []
    for code, label, forms, shown in wanted:
        if contract_file is None:
            results.append(
                Result(code, CheckOutcome.FAIL, "尚未上传双方盖章的服务合同 PDF。", {"expected": shown})
            )
            continue
        evidence: dict[str, Any] = {"file": contract_file.original_name, "expected": shown}
        if not contract_file.has_text:
            results.append(
                Result(
                    code,
                    CheckOutcome.UNKNOWN,
                    f"合同 PDF 没有可提取的文字（可能是扫描件），无法自动核对{label}，请评审人员人工查看。",
                    evidence,
                )
            )
            continue
        text = squash(contract_file.text)
        hit = next((f for f in forms if f in text), None)
        if hit:
            evidence["found"] = hit
            results.append(Result(code, CheckOutcome.PASS, f"合同文字中找到{label}“{shown}”。", evidence))
        else:
            evidence["excerpt"] = contract_file.text.strip()[:300]
            results.append(Result(code, CheckOutcome.FAIL, f"合同文字中未找到{label}“{shown}”。", evidence))
    return results


def _amount_check(code: str, label: str, entered: Any, expected: Any, expected_label: str) -> Result:
    evidence = {"entered": str(entered) if entered is not None else None, "expected": str(expected)}
    if entered is None:
        return Result(code, CheckOutcome.FAIL, f"尚未填写{label}。", evidence)
    if entered == expected:
        return Result(
            code, CheckOutcome.PASS, f"{label} {format_cny(entered)} 与{expected_label}一致。", evidence
        )
    return Result(
        code,
        CheckOutcome.FAIL,
        f"{label} {format_cny(entered)} 与合同记录的{expected_label} {format_cny(expected)} 不一致。",
        evidence,
    )


def _dates_check(claim: Claim) -> Result:
    signed = claim.contract.signed_on
    evidence = {
        "signed_on": signed.isoformat(),
        "invoice_date": claim.invoice_date.isoformat() if claim.invoice_date else None,
        "receipt_date": claim.receipt_date.isoformat() if claim.receipt_date else None,
    }
    if claim.invoice_date is None or claim.receipt_date is None:
        return Result(CheckCode.DATES, CheckOutcome.FAIL, "尚未填写开票日期和银行收款日期。", evidence)
    early = [
        f"{label} {day:%Y-%m-%d}"
        for label, day in (("开票日期", claim.invoice_date), ("收款日期", claim.receipt_date))
        if day < signed
    ]
    if early:
        return Result(
            CheckCode.DATES,
            CheckOutcome.FAIL,
            f"{'、'.join(early)}早于合同签订日期 {signed:%Y-%m-%d}。",
            evidence,
        )
    return Result(
        CheckCode.DATES,
        CheckOutcome.PASS,
        f"开票日期和收款日期均不早于合同签订日期 {signed:%Y-%m-%d}。",
        evidence,
    )


def _materials_check(claim: Claim, current: list[ClaimMaterial]) -> Result:
    by_kind = {m.kind: m for m in current}
    missing, wrong = [], []
    for kind in required_kinds(claim):
        material = by_kind.get(kind)
        if material is None:
            missing.append(str(MaterialKind(kind).label))
            continue
        accepted = {c for c in SLOTS[kind].accepts}
        kind_of = "pdf" if material.is_pdf else ("png" if material.content_type == "image/png" else "jpeg")
        if kind_of not in accepted or not material.page_count:
            wrong.append(f"{MaterialKind(kind).label}（{material.original_name}）")
    evidence = {
        "files": {m.kind: m.original_name for m in current if m.kind != MaterialKind.OTHER},
        "missing": missing,
        "wrong": wrong,
    }
    if missing or wrong:
        parts = []
        if missing:
            parts.append("缺少：" + "、".join(missing))
        if wrong:
            parts.append("类型不符或无法读取：" + "、".join(wrong))
        return Result(CheckCode.MATERIALS, CheckOutcome.FAIL, "；".join(parts) + "。", evidence)
    return Result(
        CheckCode.MATERIALS, CheckOutcome.PASS, "必需材料均已上传，文件类型正确且可以读取。", evidence
    )


def _industry_check(claim: Claim) -> Result:
    classification = (
        SizeClassification.objects.select_related("industry")
        .filter(organisation_id=claim.enterprise_id, programme_id=claim.programme_id, is_current=True)
        .first()
    )
    industry = classification.industry if classification else None
    decision = digital_marketing_eligible(industry, claim.programme)
    evidence = {"industry": str(industry) if industry else None}
    if industry is None:
        return Result(
            CheckCode.INDUSTRY, CheckOutcome.UNKNOWN, "企业尚未申报主营业务行业，无法判断。", evidence
        )
    if decision:
        return Result(
            CheckCode.INDUSTRY,
            CheckOutcome.PASS,
            f"企业主营业务为 {industry}，符合数字化营销要求。",
            evidence,
        )
    return Result(CheckCode.INDUSTRY, CheckOutcome.FAIL, decision.reason, evidence)


def _completion_check(claim: Claim) -> Result:
    completed = claim.contract.completed_at
    if completed:
        return Result(
            CheckCode.SERVICE_COMPLETED,
            CheckOutcome.PASS,
            f"企业已于 {clock.local(completed):%Y-%m-%d %H:%M} 在平台确认服务完成。",
            {"completed_at": completed.isoformat()},
        )
    return Result(
        CheckCode.SERVICE_COMPLETED,
        CheckOutcome.UNKNOWN,
        "企业尚未在平台确认服务完成（指南允许自成交之日起申请兑券），请评审人员结合材料判断服务是否已提供。",
        {"contract_status": claim.contract.get_status_display()},
    )


def run_prechecks(claim: Claim) -> list[Result]:
    """All pre-checks of ``claim`` in display order (not stored; see ``services.claim_run_prechecks``)."""
    current = current_materials(claim)
    contract_file = next((m for m in current if m.kind == MaterialKind.CONTRACT), None)
    contract = claim.contract
    results = [_materials_check(claim, current)]
    results += _contract_checks(claim, contract_file)
    results.append(
        _amount_check(
            CheckCode.INVOICE_AMOUNT, "发票金额", claim.invoice_amount, contract.total_amount, "合同总金额"
        )
    )
    results.append(
        _amount_check(
            CheckCode.RECEIPT_AMOUNT,
            "银行收款金额",
            claim.receipt_amount,
            contract.own_payment,
            "企业自付额度",
        )
    )
    results.append(_dates_check(claim))
    results.append(_completion_check(claim))
    if is_digital_marketing(claim):
        results.append(_industry_check(claim))
    return results

"""Automatic pre-checks of a claim (SPEC R8), each pass / fail / cannot tell with its evidence.

A scanned contract without a text layer gives "cannot tell" for the three contract checks: the
reviewer reads the scan; the platform never passes what it could not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from voucher.claims.choices import SLOTS, CheckCode, CheckOutcome, MaterialKind
from voucher.claims.invoices import reading as invoice_fields
from voucher.claims.models import Claim, ClaimMaterial, MaterialReading
from voucher.core import clock
from voucher.core.money import format_cny
from voucher.core.uploads import CONTENT_TYPES, OFD, XML
from voucher.enterprises.models import SizeClassification
from voucher.enterprises.selectors import digital_marketing_eligible
from voucher.programmes.choices import InvoiceAmountBasis, RequirementKind


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


def invoice_reading(claim: Claim) -> MaterialReading | None:
    """The reading of the claim's current invoice file, if one is uploaded."""
    return (
        MaterialReading.objects.select_related("material")
        .filter(claim=claim, material__kind=MaterialKind.INVOICE, material__superseded_at__isnull=True)
        .first()
    )


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


def expected_invoice_amount(claim: Claim) -> tuple[Any, str]:
    """The contract amount the invoice must equal, per the programme year's setting, and its label."""
    contract = claim.contract
    if claim.programme.claim_invoice_amount_basis == InvoiceAmountBasis.OWN_PAYMENT:
        return contract.own_payment, str(InvoiceAmountBasis.OWN_PAYMENT.label)
    return contract.total_amount, str(InvoiceAmountBasis.TOTAL.label)


UNREAD = "未能自动识别"


def _invoice_checks(claim: Claim, row: MaterialReading | None) -> list[Result]:
    """The checks of what was read from the invoice file; "cannot tell" when it was not read."""
    codes = [
        CheckCode.INVOICE_BUYER,
        CheckCode.INVOICE_SELLER,
        CheckCode.INVOICE_ISSUE_DATE,
        CheckCode.INVOICE_TOTAL,
        CheckCode.INVOICE_ITEMS,
        CheckCode.INVOICE_UNIQUE,
    ]
    if row is None:
        return [Result(c, CheckOutcome.UNKNOWN, "尚未上传发票文件，无法自动核对。", {}) for c in codes]
    base = {"file": row.material.original_name}
    if not row.readable:
        message = f"{UNREAD}：{row.reason}。请评审人员人工核对发票。"
        return [Result(c, CheckOutcome.UNKNOWN, message, {**base, "reason": row.reason}) for c in codes]
    base["source"] = row.get_source_display()
    contract = claim.contract
    results = [
        _party_check(
            CheckCode.INVOICE_BUYER, "购买方", row.buyer_name, row.buyer_tax_id, claim.enterprise, base
        ),
        _party_check(
            CheckCode.INVOICE_SELLER, "销售方", row.seller_name, row.seller_tax_id, claim.provider, base
        ),
    ]
    results.append(_issue_date_check(row, contract, base))
    expected, label = expected_invoice_amount(claim)
    if row.total is None:
        results.append(
            Result(
                CheckCode.INVOICE_TOTAL,
                CheckOutcome.UNKNOWN,
                f"{UNREAD}价税合计。",
                {**base, "expected": str(expected)},
            )
        )
    else:
        results.append(
            _amount_check(CheckCode.INVOICE_TOTAL, "发票价税合计", row.total, expected, label, base)
        )
    results.append(_items_check(claim, row, base))
    results.append(_unique_check(claim, row, base))
    return results


def _issue_date_check(row: MaterialReading, contract: Any, base: dict[str, Any]) -> Result:
    """The invoice is issued on or after the day the contract was signed."""
    evidence = {**base, "issue_date": row.issue_date.isoformat() if row.issue_date else None}
    evidence["signed_on"] = contract.signed_on.isoformat()
    if row.issue_date is None:
        return Result(CheckCode.INVOICE_ISSUE_DATE, CheckOutcome.UNKNOWN, f"{UNREAD}开票日期。", evidence)
    if row.issue_date < contract.signed_on:
        return Result(
            CheckCode.INVOICE_ISSUE_DATE,
            CheckOutcome.FAIL,
            f"发票开票日期 {row.issue_date:%Y-%m-%d} 早于合同签订日期 {contract.signed_on:%Y-%m-%d}。",
            evidence,
        )
    return Result(
        CheckCode.INVOICE_ISSUE_DATE,
        CheckOutcome.PASS,
        f"发票开票日期 {row.issue_date:%Y-%m-%d} 不早于合同签订日期 {contract.signed_on:%Y-%m-%d}。",
        evidence,
    )


def _party_check(code: str, role: str, name: str, tax_id: str, party: Any, base: dict[str, Any]) -> Result:
    expected = invoice_fields.tax_id(party.uscc)
    evidence = {
        **base,
        "name": name,
        "tax_id": tax_id,
        "expected_name": party.name,
        "expected_tax_id": expected,
    }
    if not tax_id:
        return Result(code, CheckOutcome.UNKNOWN, f"{UNREAD}{role}纳税人识别号。", evidence)
    if not expected:
        return Result(
            code, CheckOutcome.UNKNOWN, f"平台未登记{party.name}的统一社会信用代码，无法核对。", evidence
        )
    if tax_id == expected:
        return Result(
            code,
            CheckOutcome.PASS,
            f"发票{role}纳税人识别号 {tax_id} 与{party.name}的统一社会信用代码一致。",
            evidence,
        )
    return Result(
        code,
        CheckOutcome.FAIL,
        f"发票{role}为“{name or '—'}”（{tax_id}），不是{party.name}（{expected}）。",
        evidence,
    )


def _items_check(claim: Claim, row: MaterialReading, base: dict[str, Any]) -> Result:
    """Some item name mentions the product's name, its direction or its subtype (whitespace ignored)."""
    product = claim.order.product
    wanted = [product.name, product.direction.name]
    if product.subtype is not None:
        wanted.append(product.subtype.name)
    items = [squash(i) for i in row.item_names]
    evidence = {**base, "items": row.item_names, "expected": wanted}
    if not items:
        return Result(CheckCode.INVOICE_ITEMS, CheckOutcome.UNKNOWN, f"{UNREAD}项目名称。", evidence)
    hit = next((w for w in wanted if squash(w) and any(squash(w) in i for i in items)), None)
    if hit:
        evidence["found"] = hit
        return Result(CheckCode.INVOICE_ITEMS, CheckOutcome.PASS, f"发票项目名称含“{hit}”。", evidence)
    return Result(
        CheckCode.INVOICE_ITEMS,
        CheckOutcome.FAIL,
        f"发票项目名称（{'；'.join(row.item_names)}）未提及产品“{product.name}”或服务方向“{product.direction.name}”，"
        "请评审人员核对服务内容。",
        evidence,
    )


def invoice_number_uses(claim: Claim, normalised: str) -> list[Claim]:
    """Other claims (any year) whose typed invoice number or current invoice file carries ``normalised``."""
    if not normalised:
        return []
    read = MaterialReading.objects.filter(
        invoice_number_normalised=normalised,
        material__kind=MaterialKind.INVOICE,
        material__superseded_at__isnull=True,
    ).values("claim_id")
    return list(
        Claim.objects.filter(Q(invoice_number_normalised=normalised) | Q(pk__in=read))
        .exclude(pk=claim.pk)
        .select_related("order", "programme")
        .order_by("id")
    )


def _unique_check(claim: Claim, row: MaterialReading, base: dict[str, Any]) -> Result:
    evidence = {**base, "invoice_number": row.invoice_number}
    if not row.invoice_number_normalised:
        return Result(CheckCode.INVOICE_UNIQUE, CheckOutcome.UNKNOWN, f"{UNREAD}发票号码。", evidence)
    others = invoice_number_uses(claim, row.invoice_number_normalised)
    if others:
        evidence["claims"] = [f"{c.programme.year} {c.order.number}" for c in others]
        return Result(
            CheckCode.INVOICE_UNIQUE,
            CheckOutcome.FAIL,
            f"发票号码 {row.invoice_number} 已出现在其他兑券申请中（{'、'.join(evidence['claims'])}）。",
            evidence,
        )
    return Result(
        CheckCode.INVOICE_UNIQUE,
        CheckOutcome.PASS,
        f"发票号码 {row.invoice_number} 未用于其他兑券申请。",
        evidence,
    )


def _amount_check(
    code: str,
    label: str,
    entered: Any,
    expected: Any,
    expected_label: str,
    base: dict[str, Any] | None = None,
) -> Result:
    evidence = {
        **(base or {}),
        "entered": str(entered) if entered is not None else None,
        "expected": str(expected),
    }
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
        kind_of = next((k for k, t in CONTENT_TYPES.items() if t == material.content_type), "")
        paged = kind_of not in (OFD, XML)
        if kind_of not in accepted or (paged and not material.page_count):
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
    expected, label = expected_invoice_amount(claim)
    results.append(_amount_check(CheckCode.INVOICE_AMOUNT, "发票金额", claim.invoice_amount, expected, label))
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
    results += _invoice_checks(claim, invoice_reading(claim))
    return results

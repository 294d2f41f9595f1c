"""Risk flags for reviewers (SPEC M6, beyond the guide). Computed from the records; never block a decision.

The price threshold is the programme year's ``claim_risk_price_ratio``; the repeat-pair count, the
split window and the payee-change window are review heuristics, not rules of the guide, and live here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from voucher.claims.choices import MaterialKind
from voucher.claims.invoices import reading as invoice_fields
from voucher.claims.models import Claim, ClaimMaterial
from voucher.claims.prechecks import invoice_number_uses, invoice_reading
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.core.money import format_cny, share
from voucher.enterprises.selectors import redeclaration_warnings

REPEAT_PAIR_CONTRACTS = 3
SPLIT_WINDOW_DAYS = 30
PAYEE_CHANGE_WINDOW_DAYS = 90


@dataclass(frozen=True)
class Flag:
    code: str
    title: str
    detail: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _norm(value: str) -> str:
    return re.sub(r"[\s\-()（）]", "", value or "").lower()


def _shared_contacts(claim: Claim) -> list[str]:
    ent, prov = claim.enterprise, claim.provider
    shared = []
    phones_e = {_norm(ent.contact_phone), _norm(claim.order.contact_mobile)} - {""}
    phones_p = {_norm(prov.contact_phone)} - {""}
    if phones_e & phones_p:
        shared.append(f"联系电话 {', '.join(sorted(phones_e & phones_p))}")
    addresses_e = {_norm(ent.registered_address), _norm(ent.operating_address)} - {""}
    addresses_p = {_norm(prov.registered_address), _norm(prov.operating_address)} - {""}
    if addresses_e & addresses_p:
        shared.append("地址相同")
    if _norm(ent.contact_name) and _norm(ent.contact_name) == _norm(prov.contact_name):
        shared.append(f"联系人 {ent.contact_name}")
    return shared


def _payee_change(claim: Claim) -> Flag | None:
    """The provider changed an account it had registered, within the window (redirected payouts)."""
    try:
        account = claim.provider.payee_account  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return None
    changed = account.changed_at
    if changed is None or changed < clock.now() - dt.timedelta(days=PAYEE_CHANGE_WINDOW_DAYS):
        return None
    return Flag(
        "payee_changed",
        "服务商近期变更收款账户",
        f"服务商于 {clock.local(changed):%Y-%m-%d %H:%M} 变更收款账户为 {account.bank_name}"
        f"{account.branch_name} {account.masked_number}（{PAYEE_CHANGE_WINDOW_DAYS} 天内）。",
    )


def _dated_before_contract_flag(claim: Claim, contract: Contract) -> Flag | None:
    """The invoice or receipt dated before the contract was signed."""
    early = [
        f"{label} {day:%Y-%m-%d}"
        for label, day in (("开票日期", claim.invoice_date), ("收款日期", claim.receipt_date))
        if day is not None and day < contract.signed_on
    ]
    if early:
        return Flag(
            "dated_before_contract",
            "票据日期早于合同",
            f"{'、'.join(early)}早于合同签订日期 {contract.signed_on:%Y-%m-%d}。",
        )
    return None


def _split_flag(order: Any, pair: Any, programme: Any) -> Flag | None:
    """Orders of the same pair close in time whose deductions together exceed what one order can get."""
    window = dt.timedelta(days=SPLIT_WINDOW_DAYS)
    near = list(
        pair.filter(
            order__ordered_at__gte=order.ordered_at - window, order__ordered_at__lte=order.ordered_at + window
        )
        .select_related("order")
        .order_by("order__ordered_at")
    )
    if len(near) >= 2:
        together = sum((c.deduction for c in near), Decimal("0"))
        one_order = max(share(c.order.listed_price, programme.subsidy_rate_cap) for c in near)
        if together > one_order:
            return Flag(
                "split_orders",
                "疑似拆分订单",
                f"{SPLIT_WINDOW_DAYS} 天内该企业向同一服务商下单 {len(near)} 笔"
                f"（{'、'.join(c.order.number for c in near)}），抵用额度合计 {format_cny(together)}，"
                f"超过单笔订单最多可得的 {format_cny(one_order)}。",
            )
    return None


def risk_flags(claim: Claim) -> list[Flag]:
    """Every flag that applies to ``claim`` now."""
    flags: list[Flag] = []
    contract = claim.contract
    order = claim.order
    programme = claim.programme
    ratio = programme.claim_risk_price_ratio
    if order.listed_price and contract.total_amount > order.listed_price * ratio:
        flags.append(
            Flag(
                "price_far_above_list",
                "合同金额远高于产品价格",
                f"合同总金额 {format_cny(contract.total_amount)} 超过下单时产品价格 "
                f"{format_cny(order.listed_price)} 的 {ratio} 倍。",
            )
        )
    pair = Contract.objects.filter(
        programme_id=claim.programme_id, enterprise_id=claim.enterprise_id, provider_id=claim.provider_id
    )
    count = pair.count()
    if count >= REPEAT_PAIR_CONTRACTS:
        flags.append(
            Flag(
                "repeat_pair",
                "同一企业与服务商多次交易",
                f"本年度该企业与该服务商已有 {count} 份合同。",
            )
        )
    redeclared = redeclaration_warnings(organisation_id=claim.enterprise_id, programme_id=claim.programme_id)
    if redeclared:
        flags.append(Flag("size_redeclared", "企业年度内变更划型结果", "；".join(redeclared) + "。"))
    shared = _shared_contacts(claim)
    if shared:
        flags.append(Flag("shared_contact", "企业与服务商信息相同", "；".join(shared) + "。"))
    dated = _dated_before_contract_flag(claim, contract)
    if dated is not None:
        flags.append(dated)
    split = _split_flag(order, pair, programme)
    if split is not None:
        flags.append(split)
    payee = _payee_change(claim)
    if payee is not None:
        flags.append(payee)
    flags += _duplicate_flags(claim)
    return flags


# Files that belong to one deal only: the same content in another claim means a reused document.
DEAL_FILE_KINDS = (
    MaterialKind.INVOICE,
    MaterialKind.INVOICE_VERIFICATION,
    MaterialKind.BANK_RECEIPT,
    MaterialKind.CONTRACT,
)


def _claims_shown(claims: Any) -> str:
    return "、".join(f"{c.programme.year} 年订单 {c.order.number}" for c in claims)


def _duplicate_flags(claim: Claim) -> list[Flag]:
    """The invoice number, bank receipt reference or a deal file seen in another claim (any year), and an
    invoice whose seller is not the provider."""
    flags: list[Flag] = []
    reading = invoice_reading(claim)
    numbers = {claim.invoice_number_normalised} | (
        {reading.invoice_number_normalised} if reading is not None else set()
    )
    others = {c.pk: c for n in sorted(numbers - {""}) for c in invoice_number_uses(claim, n)}
    if others:
        flags.append(
            Flag(
                "duplicate_invoice_number",
                "发票号码重复",
                f"发票号码也出现在其他兑券申请中：{_claims_shown(others.values())}。",
            )
        )
    reference = (claim.receipt_reference or "").strip()
    if reference:
        same = (
            Claim.objects.filter(receipt_reference__iexact=reference)
            .exclude(pk=claim.pk)
            .select_related("order", "programme")
            .order_by("id")
        )
        if same:
            flags.append(
                Flag(
                    "duplicate_receipt_reference",
                    "银行回单编号重复",
                    f"银行回单编号 {reference} 也用于：{_claims_shown(same)}。",
                )
            )
    reused = _duplicate_file_flag(claim)
    if reused is not None:
        flags.append(reused)
    if reading is not None and reading.readable and reading.seller_tax_id:
        provider_id = invoice_fields.tax_id(claim.provider.uscc)
        if reading.seller_tax_id != provider_id:
            flags.append(
                Flag(
                    "invoice_not_from_provider",
                    "发票并非服务商开具",
                    f"发票销售方为“{reading.seller_name or '—'}”（{reading.seller_tax_id}），"
                    f"不是服务商{claim.provider.name}（{provider_id or '未登记信用代码'}）。",
                )
            )
    return flags


def _duplicate_file_flag(claim: Claim) -> Flag | None:
    """A deal file of ``claim`` whose content (SHA-256) is also in another claim."""
    hashes = set(
        claim.materials.filter(superseded_at__isnull=True, kind__in=DEAL_FILE_KINDS).values_list(
            "sha256", flat=True
        )
    )
    if hashes:
        seen = (
            ClaimMaterial.objects.filter(sha256__in=hashes)
            .exclude(claim_id=claim.pk)
            .select_related("claim__order", "claim__programme")
            .order_by("claim_id", "id")
        )
        if seen:
            files = "、".join(sorted({f"{m.get_kind_display()}“{m.original_name}”" for m in seen}))
            return Flag(
                "duplicate_file",
                "材料文件与其他申请相同",
                f"{files}与其他兑券申请中的文件内容完全相同（SHA-256 一致）："
                f"{_claims_shown(dict.fromkeys(m.claim for m in seen))}。",
            )
    return None

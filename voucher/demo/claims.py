"""Demo redemption claims in every state, through the claim services with the clock moved (SPEC R1–R6).

Uses the demo's confirmed and completed contracts; when there are fewer than five it places, accepts,
records and confirms more for the demo enterprises. Leaves a draft, a submitted claim with its
pre-checks, an approved claim with a reduced payout and its reason, a claim returned for supplementary
material, and a waived claim. The contract PDFs are real PDFs (fpdf2 with the embedded CJK font) that
contain the order number, order time and product name, so the pre-checks pass. Safe to run again.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from fpdf import FPDF
from PIL import Image

from voucher.accounts.models import User
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.claims import services
from voucher.claims.choices import MaterialKind
from voucher.claims.models import Claim
from voucher.claims.prechecks import is_digital_marketing
from voucher.contracts import services as contract_services
from voucher.contracts.choices import ContractStatus
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.demo.contracts import ENTERPRISES, _provider_user, _terms
from voucher.enterprises.pdf import FONT, font_path
from voucher.orders import services as order_services
from voucher.orders.choices import HOLDING_STATUSES
from voucher.orders.models import Order
from voucher.programmes.selectors import programme_current

STATES = ["draft", "submitted", "approved", "returned", "waived"]


def _pdf(lines: list[str]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_font(FONT, "", str(font_path()))
    pdf.add_page()
    pdf.set_font(FONT, size=11)
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _contract_pdf(contract: Contract) -> SimpleUploadedFile:
    order = contract.order
    lines = [
        f"服务合同（{contract.number}）",
        f"甲方：{contract.enterprise.name}    乙方：{contract.provider.name}",
        "附表：服务券订单信息",
        f"系统订单编号：{order.number}",
        f"系统下单时间：{clock.local(order.ordered_at):%Y-%m-%d %H:%M}",
        f"产品名称：{order.product.name}",
        f"合同总金额：{contract.total_amount} 元；服务券抵用额度：{contract.deduction} 元；企业自付额度：{contract.own_payment} 元",
        "甲方（盖章）            乙方（盖章）",
    ]
    return SimpleUploadedFile("服务合同-双方盖章.pdf", _pdf(lines), content_type="application/pdf")


def _more_contracts(needed: int) -> list[Contract]:
    """Place, accept, record and confirm orders (30 days ago) for the demo enterprises."""
    programme = programme_current()
    made: list[Contract] = []
    moment = clock.now() - dt.timedelta(days=30)
    for round_ in range(3):
        for username in ENTERPRISES:
            if len(made) >= needed:
                return made
            user = User.objects.filter(username=username).select_related("organisation").first()
            if user is None:
                continue
            held = Order.objects.filter(enterprise=user.organisation, status__in=HOLDING_STATUSES).values(
                "product_id"
            )
            product = (
                Product.objects.filter(programme=programme, status=ProductStatus.ON_SALE, vouchers_left__gt=0)
                .exclude(pk__in=held)
                .exclude(direction__code="marketing")
                .order_by("price_amount", "id")
                .first()
            )
            if product is None:
                continue
            try:
                with clock.frozen_at(moment):
                    order = order_services.order_place(
                        actor=user,
                        product=product,
                        idempotency_key=f"demo-claim-order-{username}-{round_}",
                        contact_name=user.display_name or "联系人",
                        contact_mobile=user.mobile or "13800138000",
                        note="演示订单（兑券）",
                    )
                provider = _provider_user(order)
                if provider is None:
                    continue
                with clock.frozen_at(moment + dt.timedelta(hours=2)):
                    order = order_services.order_accept(actor=provider, order=order)
                signed = moment + dt.timedelta(days=1)
                with clock.frozen_at(signed):
                    contract = contract_services.contract_record(
                        actor=provider,
                        order=order,
                        terms=_terms(order, 3, 10 + len(made)),
                        counterparty_uscc=order.enterprise.uscc,
                    )
                with clock.frozen_at(signed + dt.timedelta(hours=3)):
                    contract = contract_services.contract_confirm(actor=user, contract=contract)
                made.append(contract)
            except Exception:  # noqa: S112 — a demo enterprise without quota or voucher is skipped
                continue
    return made


def _fill(claim: Claim, provider: Any, *, complete: bool = True) -> Claim:
    contract = claim.contract
    signed = contract.signed_on
    today = clock.today()
    day = min(signed + dt.timedelta(days=1), today)
    claim = services.claim_update_data(
        actor=provider,
        claim=claim,
        data=services.ClaimData(
            invoice_number=f"DEMO-FP-{claim.order.number}",
            invoice_date=day,
            invoice_amount=contract.total_amount,
            receipt_date=day,
            receipt_amount=contract.own_payment,
        ),
    )
    services.claim_material_upload(
        actor=provider,
        claim=claim,
        kind=MaterialKind.PLEDGE,
        file=SimpleUploadedFile(
            "划型及用券承诺-企业盖章.pdf",
            _pdf(["中小微企业划型及用券承诺", contract.enterprise.name, f"订单 {claim.order.number}"]),
        ),
    )
    if not complete:
        return claim
    _upload_remaining_materials(claim, provider, contract)
    claim.refresh_from_db()
    return claim


def _upload_remaining_materials(claim: Claim, provider: Any, contract: Contract) -> None:
    """Upload the invoice, its verification, the bank receipts, the industry proof when needed and the contract."""
    services.claim_material_upload(
        actor=provider,
        claim=claim,
        kind=MaterialKind.INVOICE,
        file=SimpleUploadedFile("发票.pdf", _pdf(["增值税普通发票", f"金额 {contract.total_amount} 元"])),
    )
    services.claim_material_upload(
        actor=provider,
        claim=claim,
        kind=MaterialKind.INVOICE_VERIFICATION,
        file=SimpleUploadedFile("发票查验结果.png", _png((235, 245, 235))),
    )
    services.claim_material_merge(
        actor=provider,
        claim=claim,
        kind=MaterialKind.BANK_RECEIPT,
        files=[
            SimpleUploadedFile("回单第1页.png", _png((230, 230, 250))),
            SimpleUploadedFile("回单第2页.png", _png((250, 240, 230))),
            SimpleUploadedFile("回单第3页.png", _png((240, 250, 240))),
        ],
        name="银行回单",
    )
    if is_digital_marketing(claim):
        services.claim_material_upload(
            actor=provider,
            claim=claim,
            kind=MaterialKind.INDUSTRY_PROOF,
            file=SimpleUploadedFile("101-1表.pdf", _pdf(["法人单位基本情况表（101-1表）"])),
        )
    services.claim_material_upload(
        actor=provider, claim=claim, kind=MaterialKind.CONTRACT, file=_contract_pdf(contract)
    )


@transaction.atomic
def seed_claims() -> list[Claim]:
    """Claims in every state (draft, submitted, approved with a reduced payout, returned, waived)."""
    existing = Claim.objects.filter(order__ordered_by__username__in=ENTERPRISES)
    if existing.exists():
        return list(existing)
    today = clock.today()
    candidates = [
        c
        for c in Contract.objects.filter(
            order__ordered_by__username__in=ENTERPRISES,
            status__in=[ContractStatus.CONFIRMED, ContractStatus.COMPLETED],
            claim__isnull=True,
        )
        .select_related("programme", "order", "order__product", "enterprise", "provider")
        .order_by("-status", "id")
        if services.claim_window(c).contains(today)
    ]
    if len(candidates) < len(STATES):
        candidates += _more_contracts(len(STATES) - len(candidates))
    reviewer = User.objects.filter(username="reviewer1").first()
    claims: list[Claim] = []
    for contract, state in zip(candidates, STATES, strict=False):
        provider = _provider_user(contract.order)
        if provider is None:
            continue
        if state == "waived":
            claims.append(
                services.claim_waive(
                    actor=provider,
                    contract=contract,
                    statement="本单位与企业协商一致，自愿放弃该订单的服务券兑付，特此声明。",
                )
            )
            continue
        claim = services.claim_start(actor=provider, contract=contract)
        claim = _fill(claim, provider, complete=state != "draft")
        if state == "draft":
            claims.append(claim)
            continue
        claim = services.claim_submit(actor=provider, claim=claim, confirmed=True, revision=claim.revision)
        if state == "approved" and reviewer is not None:
            payout = (contract.deduction * Decimal("0.9")).quantize(Decimal("0.01"))
            claim = services.claim_decide(
                actor=reviewer,
                claim=claim,
                action="approve",
                payout=payout,
                reason="部分培训服务未按合同提供，按实际交付核减 10%。",
            )
        elif state == "returned" and reviewer is not None:
            claim = services.claim_decide(
                actor=reviewer, claim=claim, action="return", reason="银行回单不清晰，请补充清晰的收款凭证。"
            )
        claims.append(claim)
    return claims

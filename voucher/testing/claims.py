"""Helpers and fixtures for claim tests: a contract confirmed and completed by both parties, real PDFs and
images, a claim filled with matching data and every required file.

A ``conftest.py`` that needs the fixtures imports them from here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import img2pdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from voucher.claims import services
from voucher.claims.choices import MaterialKind
from voucher.contracts import services as contract_services
from voucher.core import clock
from voucher.testing.contracts import terms
from voucher.testing.files import make_pdf, png_bytes
from voucher.testing.invoices import invoice_pdf, sample_for

# Two weeks after the order: invoice and receipt dated between the signing and today.
CLAIM_DAY = dt.datetime(2025, 7, 15, 10, 0, tzinfo=clock.SHANGHAI)


def scanned_pdf() -> bytes:
    """An image-only PDF, like a scanned contract: no text layer."""
    return bytes(img2pdf.convert(png_bytes((240, 240, 240), (600, 800))))


def pdf_file(
    name: str = "file.pdf", lines: list[str] | None = None, data: bytes | None = None
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or make_pdf(lines or ["文件"]), content_type="application/pdf")


def image_file(name: str = "photo.png", colour: tuple[int, int, int] = (10, 120, 200)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(colour), content_type="image/png")


def contract_lines(
    order: Any, *, number: bool = True, time: str | None = None, name: bool = True
) -> list[str]:
    ordered = clock.local(order.ordered_at)
    return [
        "服务合同",
        f"系统订单编号：{order.number if number else '（未填写）'}",
        f"系统下单时间：{time if time is not None else f'{ordered:%Y-%m-%d %H:%M}'}",
        f"产品名称：{order.product.name if name else '某产品'}",
        "甲方（盖章）  乙方（盖章）",
    ]


def contract_pdf(order: Any, **kwargs: Any) -> SimpleUploadedFile:
    return pdf_file("合同.pdf", contract_lines(order, **kwargs))


def fill(claim: Any, actor: Any, *, invoice_number: str | None = None, **overrides: Any) -> Any:
    """Enter matching invoice/receipt data and upload every required file (the invoice a PDF rendering
    of a 数电票 that matches the claim)."""
    contract = claim.contract
    data = services.ClaimData(
        invoice_number=invoice_number or f"FP{claim.pk:08d}",
        invoice_date=overrides.get("invoice_date", contract.signed_on + dt.timedelta(days=1)),
        invoice_amount=overrides.get("invoice_amount", contract.total_amount),
        receipt_date=overrides.get("receipt_date", contract.signed_on + dt.timedelta(days=2)),
        receipt_amount=overrides.get("receipt_amount", contract.own_payment),
    )
    claim = services.claim_update_data(actor=actor, claim=claim, data=data)
    files = {
        MaterialKind.PLEDGE: pdf_file("承诺.pdf", ["中小微企业划型及用券承诺"]),
        MaterialKind.INVOICE: overrides.get("invoice_file")
        or pdf_file("发票.pdf", data=invoice_pdf(sample_for(claim))),
        MaterialKind.INVOICE_VERIFICATION: image_file("验真.png"),
        MaterialKind.BANK_RECEIPT: image_file("回单.png"),
        MaterialKind.CONTRACT: overrides.get("contract_file") or contract_pdf(claim.order),
    }
    if overrides.get("industry_proof"):
        files[MaterialKind.INDUSTRY_PROOF] = pdf_file("101-1表.pdf", ["法人单位基本情况表"])
    for kind, file in files.items():
        services.claim_material_upload(actor=actor, claim=claim, kind=kind, file=file)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def contract(order, buyer, provider):
    """Recorded by the provider, confirmed and completed by the enterprise on the order day."""
    recorded = contract_services.contract_record(
        actor=provider,
        order=order,
        terms=terms(number="HT-2025-001", total="100000.00", deduction="30000.00", end=dt.date(2025, 8, 31)),
    )
    contract_services.contract_confirm(actor=buyer, contract=recorded)
    return contract_services.contract_complete(actor=buyer, contract=recorded)


@pytest.fixture
def on_claim_day(on_order_day):
    with clock.frozen_at(CLAIM_DAY) as moment:
        yield moment


@pytest.fixture
def claim(contract, provider, on_claim_day):
    return services.claim_start(actor=provider, contract=contract)


@pytest.fixture
def filled(claim, provider):
    return fill(claim, provider)


@pytest.fixture
def submitted(filled, provider):
    return services.claim_submit(actor=provider, claim=filled, confirmed=True)

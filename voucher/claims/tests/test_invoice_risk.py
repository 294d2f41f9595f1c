"""Risk flags from the invoice and the deal files: duplicates across claims, an invoice not from the provider."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from voucher.claims import services
from voucher.claims.choices import MaterialKind
from voucher.claims.risk import risk_flags
from voucher.testing import invoices as samples
from voucher.testing.claims import fill, image_file

pytestmark = pytest.mark.django_db


def codes(claim):
    return {f.code for f in risk_flags(claim)}


def _data(claim, number, reference=""):
    signed = claim.contract.signed_on
    return services.ClaimData(
        invoice_number=number,
        invoice_date=signed + dt.timedelta(days=1),
        invoice_amount=claim.contract.total_amount,
        receipt_date=signed + dt.timedelta(days=2),
        receipt_amount=claim.contract.own_payment,
        receipt_reference=reference,
    )


def test_invoice_clean_claim_has_no_invoice_flags(filled):
    assert not codes(filled) & {
        "duplicate_invoice_number",
        "duplicate_receipt_reference",
        "duplicate_file",
        "invoice_not_from_provider",
    }


def test_invoice_same_number_read_in_another_claim_is_flagged(filled, provider, buyer, programme_2025):
    other = samples.another_claim(buyer, provider, programme_2025)
    # The other claim's invoice file carries this claim's invoice (a different file: another buyer name).
    reused = samples.sample_for(filled, buyer_name="北京小微制造有限公司（复印）")
    services.claim_material_upload(
        actor=provider,
        claim=other,
        kind=MaterialKind.INVOICE,
        file=samples.upload_file("发票.xml", samples.invoice_xml(reused)),
    )
    flags = {f.code: f for f in risk_flags(filled)}
    assert "duplicate_invoice_number" in flags
    assert other.order.number in flags["duplicate_invoice_number"].detail
    assert "duplicate_invoice_number" in codes(other)


def test_invoice_same_bank_receipt_reference_is_flagged(claim, provider, buyer, programme_2025):
    claim = services.claim_update_data(
        actor=provider, claim=claim, data=_data(claim, "A1", "HX20250702-0001")
    )
    assert "duplicate_receipt_reference" not in codes(claim)
    other = samples.another_claim(buyer, provider, programme_2025)
    services.claim_update_data(actor=provider, claim=other, data=_data(other, "B2", "hx20250702-0001 "))
    flags = {f.code: f for f in risk_flags(claim)}
    assert "duplicate_receipt_reference" in flags
    assert other.order.number in flags["duplicate_receipt_reference"].detail


def test_invoice_same_file_content_in_another_claim_is_flagged(claim, provider, buyer, programme_2025):
    receipt = image_file("回单.png", colour=(1, 2, 3))
    services.claim_material_upload(actor=provider, claim=claim, kind=MaterialKind.BANK_RECEIPT, file=receipt)
    other = samples.another_claim(buyer, provider, programme_2025)
    assert "duplicate_file" not in codes(claim)
    services.claim_material_upload(
        actor=provider,
        claim=other,
        kind=MaterialKind.BANK_RECEIPT,
        file=image_file("转账.png", colour=(1, 2, 3)),
    )
    flags = {f.code: f for f in risk_flags(claim)}
    assert "duplicate_file" in flags
    assert "转账.png" in flags["duplicate_file"].detail


def test_invoice_issued_by_someone_other_than_the_provider_is_flagged(claim, provider):
    sample = samples.sample_for(claim, seller_name="第三方开票公司", seller_id="91110000MA00THIRD1")
    filled = fill(claim, provider, invoice_file=samples.upload_file("发票.xml", samples.invoice_xml(sample)))
    flags = {f.code: f for f in risk_flags(filled)}
    assert "第三方开票公司" in flags["invoice_not_from_provider"].detail


def test_invoice_flags_are_kept_on_submission(claim, provider):
    sample = samples.sample_for(claim, seller_id="91110000MA00THIRD1")
    filled = fill(claim, provider, invoice_file=samples.upload_file("发票.xml", samples.invoice_xml(sample)))
    submitted = services.claim_submit(actor=provider, claim=filled, confirmed=True)
    assert "invoice_not_from_provider" in {f["code"] for f in submitted.risk_flags}
    assert Decimal(submitted.invoice_amount) == claim.contract.total_amount

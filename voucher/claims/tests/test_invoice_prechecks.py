"""Pre-checks of what was read from the invoice: parties, date, total, items, number unused; unread → unknown."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from voucher.claims import services
from voucher.claims.choices import CheckCode, CheckOutcome, MaterialKind
from voucher.programmes.choices import InvoiceAmountBasis
from voucher.testing import invoices as samples
from voucher.testing.claims import fill, pdf_file, scanned_pdf

pytestmark = pytest.mark.django_db

INVOICE_CODES = [
    CheckCode.INVOICE_BUYER,
    CheckCode.INVOICE_SELLER,
    CheckCode.INVOICE_ISSUE_DATE,
    CheckCode.INVOICE_TOTAL,
    CheckCode.INVOICE_ITEMS,
    CheckCode.INVOICE_UNIQUE,
]


def _checks(claim, provider):
    return {c.code: c for c in services.claim_run_prechecks(actor=provider, claim=claim)}


def _with_invoice(claim, provider, **overrides):
    data = samples.invoice_xml(samples.sample_for(claim, **overrides))
    filled = fill(claim, provider, invoice_file=samples.upload_file("发票.xml", data))
    return _checks(filled, provider)


def test_invoice_checks_pass_for_a_matching_invoice(claim, provider):
    checks = _with_invoice(claim, provider)
    assert {c: checks[c].outcome for c in INVOICE_CODES} == dict.fromkeys(INVOICE_CODES, CheckOutcome.PASS)
    assert checks[CheckCode.INVOICE_BUYER].evidence["tax_id"] == claim.enterprise.uscc
    assert checks[CheckCode.INVOICE_SELLER].evidence["source"] == "数电票 XML"


def test_invoice_buyer_other_than_the_enterprise_fails(claim, provider):
    check = _with_invoice(claim, provider, buyer_id="91110000MA00OTHER1", buyer_name="别的公司")[
        CheckCode.INVOICE_BUYER
    ]
    assert check.outcome == CheckOutcome.FAIL
    assert "别的公司" in check.message and check.evidence["expected_tax_id"] == claim.enterprise.uscc


def test_invoice_seller_other_than_the_provider_fails(claim, provider):
    check = _with_invoice(claim, provider, seller_id="91110000MA00OTHER2")[CheckCode.INVOICE_SELLER]
    assert check.outcome == CheckOutcome.FAIL
    assert check.evidence["tax_id"] == "91110000MA00OTHER2"


def test_invoice_issued_before_the_contract_fails(claim, provider):
    early = claim.contract.signed_on - dt.timedelta(days=3)
    check = _with_invoice(claim, provider, issued=f"{early:%Y-%m-%d} 08:00:00")[CheckCode.INVOICE_ISSUE_DATE]
    assert check.outcome == CheckOutcome.FAIL
    assert check.evidence["issue_date"] == early.isoformat()


def test_invoice_total_other_than_the_contract_fails(claim, provider):
    check = _with_invoice(claim, provider, total="99000.00")[CheckCode.INVOICE_TOTAL]
    assert check.outcome == CheckOutcome.FAIL
    assert check.evidence["entered"] == "99000.00" and check.evidence["expected"] == "100000.00"


def test_invoice_total_follows_the_programme_year_setting(claim, provider):
    programme = claim.programme
    programme.claim_invoice_amount_basis = InvoiceAmountBasis.OWN_PAYMENT
    programme.save(update_fields=["claim_invoice_amount_basis"])
    own = str(claim.contract.own_payment)
    sample = samples.sample_for(claim, total=own)
    filled = fill(
        claim,
        provider,
        invoice_amount=claim.contract.own_payment,
        invoice_file=samples.upload_file("发票.xml", samples.invoice_xml(sample)),
    )
    checks = _checks(filled, provider)
    assert checks[CheckCode.INVOICE_TOTAL].outcome == CheckOutcome.PASS
    assert "企业自付额度" in checks[CheckCode.INVOICE_TOTAL].message
    assert checks[CheckCode.INVOICE_AMOUNT].outcome == CheckOutcome.PASS


def test_invoice_items_not_mentioning_product_or_direction_fail(claim, provider):
    check = _with_invoice(claim, provider, items=("*餐饮服务*餐费",))[CheckCode.INVOICE_ITEMS]
    assert check.outcome == CheckOutcome.FAIL
    assert check.evidence["items"] == ["*餐饮服务*餐费"]


def test_invoice_items_mentioning_the_direction_pass(claim, provider):
    direction = claim.order.product.direction.name
    check = _with_invoice(claim, provider, items=(f"*现代服务*{direction}服务",))[CheckCode.INVOICE_ITEMS]
    assert check.outcome == CheckOutcome.PASS
    assert check.evidence["found"] == direction


def test_invoice_number_typed_in_another_claim_fails(claim, provider, buyer, programme_2025):
    sample = samples.sample_for(claim)
    filled = fill(claim, provider, invoice_file=samples.upload_file("发票.xml", samples.invoice_xml(sample)))
    other = samples.another_claim(buyer, provider, programme_2025)
    services.claim_update_data(
        actor=provider,
        claim=other,
        data=services.ClaimData(
            invoice_number=sample.number,
            invoice_date=other.contract.signed_on,
            invoice_amount=Decimal("100.00"),
            receipt_date=other.contract.signed_on,
            receipt_amount=Decimal("100.00"),
        ),
    )
    check = _checks(filled, provider)[CheckCode.INVOICE_UNIQUE]
    assert check.outcome == CheckOutcome.FAIL
    assert check.evidence["claims"] == [f"{other.programme.year} {other.order.number}"]


def test_invoice_number_read_from_another_claims_file_fails(claim, provider, buyer, programme_2025):
    sample = samples.sample_for(claim)
    filled = fill(claim, provider, invoice_file=samples.upload_file("发票.xml", samples.invoice_xml(sample)))
    other = samples.another_claim(buyer, provider, programme_2025)
    services.claim_material_upload(
        actor=provider,
        claim=other,
        kind=MaterialKind.INVOICE,
        file=samples.upload_file("发票.xml", samples.invoice_xml(sample)),
    )
    assert _checks(filled, provider)[CheckCode.INVOICE_UNIQUE].outcome == CheckOutcome.FAIL


def test_invoice_unreadable_gives_unknown_not_an_error(claim, provider):
    filled = fill(claim, provider, invoice_file=pdf_file("发票.pdf", data=scanned_pdf()))
    checks = _checks(filled, provider)
    for code in INVOICE_CODES:
        assert checks[code].outcome == CheckOutcome.UNKNOWN
        assert "未能自动识别" in checks[code].message
    assert checks[CheckCode.MATERIALS].outcome == CheckOutcome.PASS


def test_invoice_ofd_and_xml_count_as_the_required_invoice_file(claim, provider):
    data = samples.invoice_ofd_tagged(samples.sample_for(claim))
    filled = fill(claim, provider, invoice_file=samples.upload_file("发票.ofd", data))
    checks = _checks(filled, provider)
    assert checks[CheckCode.MATERIALS].outcome == CheckOutcome.PASS
    assert checks[CheckCode.INVOICE_TOTAL].outcome == CheckOutcome.PASS
    assert filled.materials.get(kind=MaterialKind.INVOICE, superseded_at__isnull=True).content_type == (
        "application/ofd"
    )
    assert Decimal(checks[CheckCode.INVOICE_TOTAL].evidence["entered"]) == claim.contract.total_amount

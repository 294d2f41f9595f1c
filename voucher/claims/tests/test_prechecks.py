"""R8: every pre-check passes and fails on real PDFs generated here; a scan gives "cannot tell"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from voucher.claims import services
from voucher.claims.choices import CheckCode, CheckOutcome, MaterialKind
from voucher.core import clock
from voucher.testing.claims import contract_pdf, fill, pdf_file, scanned_pdf

pytestmark = pytest.mark.django_db


def outcomes(claim, provider):
    return {c.code: c.outcome for c in services.claim_run_prechecks(actor=provider, claim=claim)}


def test_r8_all_checks_pass_on_a_complete_claim(filled, provider):
    result = outcomes(filled, provider)
    assert result == {
        CheckCode.MATERIALS: CheckOutcome.PASS,
        CheckCode.CONTRACT_ORDER_NUMBER: CheckOutcome.PASS,
        CheckCode.CONTRACT_ORDER_TIME: CheckOutcome.PASS,
        CheckCode.CONTRACT_PRODUCT_NAME: CheckOutcome.PASS,
        CheckCode.INVOICE_AMOUNT: CheckOutcome.PASS,
        CheckCode.RECEIPT_AMOUNT: CheckOutcome.PASS,
        CheckCode.DATES: CheckOutcome.PASS,
        CheckCode.SERVICE_COMPLETED: CheckOutcome.PASS,
        CheckCode.INVOICE_BUYER: CheckOutcome.PASS,
        CheckCode.INVOICE_SELLER: CheckOutcome.PASS,
        CheckCode.INVOICE_ISSUE_DATE: CheckOutcome.PASS,
        CheckCode.INVOICE_TOTAL: CheckOutcome.PASS,
        CheckCode.INVOICE_ITEMS: CheckOutcome.PASS,
        CheckCode.INVOICE_UNIQUE: CheckOutcome.PASS,
    }


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"number": False}, CheckCode.CONTRACT_ORDER_NUMBER),
        ({"time": "另行约定"}, CheckCode.CONTRACT_ORDER_TIME),
        ({"name": False}, CheckCode.CONTRACT_PRODUCT_NAME),
    ],
)
def test_r8_contract_text_check_fails_when_the_table_lacks_the_item(claim, provider, kwargs, code):
    filled = fill(claim, provider, contract_file=contract_pdf(claim.order, **kwargs))
    result = outcomes(filled, provider)
    assert result[code] == CheckOutcome.FAIL
    others = {
        CheckCode.CONTRACT_ORDER_NUMBER,
        CheckCode.CONTRACT_ORDER_TIME,
        CheckCode.CONTRACT_PRODUCT_NAME,
    } - {code}
    assert all(result[o] == CheckOutcome.PASS for o in others)


def test_r8_order_time_in_chinese_date_form_passes(claim, provider):
    t = clock.local(claim.order.ordered_at)
    filled = fill(
        claim, provider, contract_file=contract_pdf(claim.order, time=f"{t.year}年{t.month}月{t.day}日")
    )
    assert outcomes(filled, provider)[CheckCode.CONTRACT_ORDER_TIME] == CheckOutcome.PASS


def test_r8_scanned_contract_gives_cannot_tell_never_a_pass(claim, provider):
    filled = fill(claim, provider, contract_file=pdf_file("扫描合同.pdf", data=scanned_pdf()))
    result = outcomes(filled, provider)
    for code in (
        CheckCode.CONTRACT_ORDER_NUMBER,
        CheckCode.CONTRACT_ORDER_TIME,
        CheckCode.CONTRACT_PRODUCT_NAME,
    ):
        assert result[code] == CheckOutcome.UNKNOWN
    assert result[CheckCode.MATERIALS] == CheckOutcome.PASS


def test_r8_missing_contract_fails_contract_checks_and_materials(claim, provider):
    result = outcomes(claim, provider)
    assert result[CheckCode.MATERIALS] == CheckOutcome.FAIL
    assert result[CheckCode.CONTRACT_ORDER_NUMBER] == CheckOutcome.FAIL
    assert result[CheckCode.DATES] == CheckOutcome.FAIL


def test_r8_amounts_that_differ_from_the_contract_fail(claim, provider):
    filled = fill(claim, provider, invoice_amount=Decimal("99999.00"), receipt_amount=Decimal("100000.00"))
    result = outcomes(filled, provider)
    assert result[CheckCode.INVOICE_AMOUNT] == CheckOutcome.FAIL
    assert result[CheckCode.RECEIPT_AMOUNT] == CheckOutcome.FAIL
    checks = {c.code: c for c in filled.prechecks.all()}
    assert checks[CheckCode.INVOICE_AMOUNT].evidence == {"entered": "99999.00", "expected": "100000.00"}


def test_r8_materials_check_fails_for_an_empty_required_slot(filled, provider):
    invoice = filled.materials.get(kind=MaterialKind.INVOICE, superseded_at__isnull=True)
    services.claim_material_withdraw(actor=provider, claim=filled, material=invoice)
    result = outcomes(filled, provider)
    assert result[CheckCode.MATERIALS] == CheckOutcome.FAIL
    check = filled.prechecks.get(code=CheckCode.MATERIALS)
    assert MaterialKind.INVOICE.label in check.evidence["missing"]


def test_r8_service_not_yet_confirmed_completed_is_cannot_tell(order, buyer, provider, on_order_day):
    from voucher.contracts import services as contract_services
    from voucher.testing.claims import CLAIM_DAY
    from voucher.testing.contracts import terms

    recorded = contract_services.contract_record(actor=provider, order=order, terms=terms(total="100000.00"))
    contract_services.contract_confirm(actor=buyer, contract=recorded)
    with clock.frozen_at(CLAIM_DAY):
        claim = services.claim_start(actor=provider, contract=recorded)
        assert outcomes(claim, provider)[CheckCode.SERVICE_COMPLETED] == CheckOutcome.UNKNOWN

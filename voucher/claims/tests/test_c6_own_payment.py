"""C6: the enterprise pays the subsidised price — own payment = total − deduction — and the claim's bank
receipt is checked against that own payment."""

from __future__ import annotations

from decimal import Decimal

from voucher.claims import services
from voucher.claims.choices import CheckCode
from voucher.claims.prechecks import run_prechecks
from voucher.testing.claims import fill


def receipt_check(claim):
    return next(r for r in run_prechecks(claim) if r.code == CheckCode.RECEIPT_AMOUNT)


def test_c6_enterprise_pays_total_less_the_voucher(contract):
    assert (contract.total_amount, contract.deduction) == (Decimal("100000.00"), Decimal("30000.00"))
    assert contract.own_payment == Decimal("70000.00")


def test_c6_receipt_equal_to_own_payment_passes(filled):
    result = receipt_check(filled)
    assert result.outcome == "pass"


def test_c6_receipt_of_the_full_price_fails(claim, provider):
    # A receipt of the whole contract total means the enterprise paid the full price, not the subsidised one.
    claim = fill(claim, provider, receipt_amount=Decimal("100000.00"))
    result = receipt_check(claim)
    assert result.outcome == "fail"
    assert "70,000.00" in result.message or "70000" in result.message


def test_c6_receipt_mismatch_blocks_nothing_but_is_shown(claim, provider):
    claim = fill(claim, provider, receipt_amount=Decimal("69999.99"))
    stored = services.claim_run_prechecks(actor=provider, claim=claim)
    assert any(r.code == CheckCode.RECEIPT_AMOUNT and r.outcome == "fail" for r in stored)

"""Issue 17, item 2: invoice numbers are compared by their identifier key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from voucher.claims import services
from voucher.claims.models import normalise_invoice_number
from voucher.contracts import services as contract_services
from voucher.core import clock
from voucher.testing.builders import make_product
from voucher.testing.claims import CLAIM_DAY, fill
from voucher.testing.contracts import place_and_accept, terms

pytestmark = pytest.mark.django_db


def test_trust_2_invoice_numbers_collide_through_invisible_and_full_width_characters():
    assert normalise_invoice_number("RACE-1") == normalise_invoice_number("RACE-1\u200b")
    assert normalise_invoice_number("RACE-1") == normalise_invoice_number("ＲＡＣＥ－１")


@pytest.mark.parametrize("spelling", ["RACE-1\u200b", "ＲＡＣＥ－１", "\u202erace-1"])
def test_trust_2_duplicate_invoice_number_refused(spelling, claim, provider, another_buyer):
    fill(claim, provider, invoice_number="RACE-1")
    with clock.frozen_at(CLAIM_DAY - dt.timedelta(days=14)):
        other_order = place_and_accept(
            another_buyer, make_product(claim.programme, provider=provider), provider
        )
        recorded = contract_services.contract_record(actor=provider, order=other_order, terms=terms())
        contract_services.contract_confirm(actor=another_buyer, contract=recorded)
    second = services.claim_start(actor=provider, contract=recorded)
    data = services.ClaimData(
        spelling, dt.date(2025, 7, 2), Decimal("1.00"), dt.date(2025, 7, 2), Decimal("1.00")
    )
    with pytest.raises(ValidationError) as info:
        services.claim_update_data(actor=provider, claim=second, data=data)
    assert info.value.error_dict["invoice_number"][0].code == "invoice_number_taken"

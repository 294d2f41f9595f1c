"""Issue 17, item 2: a provider's contract numbers are compared by their identifier key."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from voucher.contracts import services
from voucher.testing.builders import make_product
from voucher.testing.contracts import place_and_accept, terms

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("spelling", ["RACE-1\u200b", "race-1", "ＲＡＣＥ－１", "\ufeffRACE-1"])
def test_trust_2_duplicate_contract_number_refused(spelling, order, provider, another_buyer, on_order_day):
    first = services.contract_record(actor=provider, order=order, terms=terms(number="RACE-1"))
    assert first.number == "RACE-1"
    second_order = place_and_accept(another_buyer, make_product(order.programme, provider=provider), provider)
    with pytest.raises(ValidationError) as info:
        services.contract_record(actor=provider, order=second_order, terms=terms(number=spelling))
    assert info.value.error_dict["number"][0].code == "number_taken"


def test_trust_2_contract_number_stored_without_invisible_characters(order, provider, on_order_day):
    contract = services.contract_record(actor=provider, order=order, terms=terms(number="HT\u200b-9\u202e"))
    assert contract.number == "HT-9"

"""M6 risk flags on the reviewer's screen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from voucher.accounts.models import Organisation
from voucher.claims.models import Claim
from voucher.claims.risk import risk_flags
from voucher.contracts import services as contract_services
from voucher.core import clock
from voucher.testing.builders import ORDER_DAY, make_product
from voucher.testing.contracts import place_and_accept, terms

pytestmark = pytest.mark.django_db


def codes(claim):
    return {f.code for f in risk_flags(claim)}


def test_m6_clean_claim_has_no_flags(submitted):
    Organisation.objects.filter(pk=submitted.provider_id).update(
        contact_phone="13900000000", registered_address="北京市朝阳区", contact_name="李四"
    )
    assert codes(Claim.objects.get(pk=submitted.pk)) == set()


def test_m6_shared_phone_address_contact(submitted):
    ent = submitted.enterprise
    Organisation.objects.filter(pk=submitted.provider_id).update(
        contact_phone=ent.contact_phone,
        registered_address=ent.registered_address,
        contact_name=ent.contact_name,
    )
    flag = next(f for f in risk_flags(Claim.objects.get(pk=submitted.pk)) if f.code == "shared_contact")
    assert "联系电话" in flag.detail and "地址相同" in flag.detail and "联系人" in flag.detail


def test_m6_price_far_above_list_uses_the_programme_threshold(submitted):
    claim = Claim.objects.get(pk=submitted.pk)
    claim.contract.total_amount = claim.order.listed_price * Decimal("2.5")
    assert "price_far_above_list" in codes(claim)
    claim.programme.claim_risk_price_ratio = Decimal("3.00")
    assert "price_far_above_list" not in codes(claim)


def test_m6_dates_before_contract(submitted):
    claim = Claim.objects.get(pk=submitted.pk)
    claim.invoice_date = claim.contract.signed_on - dt.timedelta(days=1)
    assert "dated_before_contract" in codes(claim)


def test_m6_repeat_pair_and_split_orders(buyer, provider, programme_2025, on_order_day):
    contracts = []
    for _ in range(3):
        product = make_product(programme_2025, provider=provider, price=Decimal("50000.00"))
        order = place_and_accept(buyer, product, provider)
        recorded = contract_services.contract_record(
            actor=provider, order=order, terms=terms(total="50000.00", deduction="15000.00")
        )
        contract_services.contract_confirm(actor=buyer, contract=recorded)
        contracts.append(recorded)
    with clock.frozen_at(ORDER_DAY + dt.timedelta(days=1)):
        from voucher.claims import services

        claim = services.claim_start(actor=provider, contract=contracts[0])
    found = codes(claim)
    # Three contracts of one pair; 3 × 15,000 within 30 days passes 30 % of one order's 50,000.
    assert {"repeat_pair", "split_orders"} <= found

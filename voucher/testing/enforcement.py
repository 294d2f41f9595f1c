"""Builders for oversight tests: approved claims reached through the real services, and sanction cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from voucher.claims import services as claim_services
from voucher.claims.models import Claim
from voucher.contracts import services as contract_services
from voucher.core import clock
from voucher.testing.builders import ORDER_DAY, make_eligible, make_product
from voucher.testing.claims import fill
from voucher.testing.contracts import place_and_accept, terms
from voucher.testing.factories import OrganisationFactory, UserFactory

CLAIM_DAY = dt.datetime(2025, 7, 15, 10, 0, tzinfo=clock.SHANGHAI)
# The day oversight acts, after the claims were approved.
DAY = dt.date(2025, 9, 10)


def approved_claim(
    programme: Any,
    *,
    reviewer: Any,
    buyer: Any = None,
    provider: Any = None,
    product: Any = None,
    deduction: str = "30000.00",
    payout: str | None = None,
) -> Claim:
    """An order placed, accepted, contracted, completed, claimed and approved (payout defaults to the
    deduction), each step on its own day of the 2025 programme."""
    provider = provider or UserFactory(provider=True)
    with clock.frozen_at(ORDER_DAY):
        buyer = buyer or make_eligible(
            UserFactory(organisation=OrganisationFactory(enterprise=True)), programme
        )
        product = product or make_product(programme, provider=provider)
        order = place_and_accept(buyer, product, provider)
        contract = contract_services.contract_record(
            actor=provider,
            order=order,
            terms=terms(total="100000.00", deduction=deduction, end=dt.date(2025, 8, 31)),
        )
        contract_services.contract_confirm(actor=buyer, contract=contract)
        contract = contract_services.contract_complete(actor=buyer, contract=contract)
    with clock.frozen_at(CLAIM_DAY):
        claim = claim_services.claim_start(actor=provider, contract=contract)
        claim = fill(claim, provider)
        claim = claim_services.claim_submit(actor=provider, claim=claim, confirmed=True)
        amount = Decimal(payout or deduction)
        reason = "" if amount == Decimal(deduction) else "部分服务未提供"
        claim = claim_services.claim_decide(
            actor=reviewer, claim=claim, action="approve", payout=str(amount), reason=reason
        )
    return claim

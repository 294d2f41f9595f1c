"""R5 sweeper under real concurrency: several sweepers at once waive each claim once and release once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from voucher.claims import services
from voucher.claims.models import Claim
from voucher.contracts import services as contract_services
from voucher.core import clock
from voucher.core.models import AuditEvent
from voucher.enterprises.models import QuotaAccount
from voucher.programmes.models import ProgrammeYear
from voucher.testing.builders import ORDER_DAY, make_eligible, make_product
from voucher.testing.contracts import place_and_accept, terms
from voucher.testing.factories import OrganisationFactory, UserFactory
from voucher.testing.orders import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_r5_concurrent_sweepers_waive_once():
    programme = ProgrammeYear.objects.get(year=2025)
    provider = UserFactory(provider=True)
    with clock.frozen_at(ORDER_DAY):
        buyer = make_eligible(UserFactory(organisation=OrganisationFactory(enterprise=True)), programme)
        contracts = []
        for _ in range(2):
            order = place_and_accept(buyer, make_product(programme, provider=provider), provider)
            recorded = contract_services.contract_record(
                actor=provider, order=order, terms=terms(end=dt.date(2025, 8, 31))
            )
            contract_services.contract_confirm(actor=buyer, contract=recorded)
            contracts.append(recorded)
        services.claim_start(actor=provider, contract=contracts[0])  # a draft; the other has no claim
    account = QuotaAccount.objects.get(organisation=buyer.organisation, programme=programme)
    available = account.available
    day = dt.date(2025, 9, 15)
    results = run_together([lambda: len(services.claims_sweep(today=day)) for _ in range(3)])
    assert sum(results) == 2, results
    assert Claim.objects.filter(status="waived", waived_automatically=True).count() == 2
    assert AuditEvent.objects.filter(action="claim.auto_waived").count() == 2
    account.refresh_from_db()
    assert account.available == available + Decimal("60000.00")
    assert account.committed == 0
    assert account.available + account.reserved + account.committed + account.paid == account.cap

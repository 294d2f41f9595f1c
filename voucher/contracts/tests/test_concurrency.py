"""C2 under real concurrency: two contracts of one enterprise recorded at once stay within its quota
(threads with their own database connections, on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from voucher.contracts import services
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.services import quota_reserve
from voucher.programmes.models import ProgrammeYear
from voucher.testing.builders import ORDER_DAY, make_eligible, make_product
from voucher.testing.contracts import place_and_accept, terms
from voucher.testing.factories import OrganisationFactory, UserFactory
from voucher.testing.orders import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("parallel", [2, 4])
def test_c2_concurrent_contracts_of_one_enterprise_stay_within_its_quota(parallel):
    programme = ProgrammeYear.objects.get(year=2025)
    provider = UserFactory(provider=True)
    with clock.frozen_at(ORDER_DAY):
        buyer = make_eligible(UserFactory(organisation=OrganisationFactory(enterprise=True)), programme)
        orders = [
            place_and_accept(buyer, make_product(programme, provider=provider), provider)
            for _ in range(parallel)
        ]
        account = QuotaAccount.objects.get(organisation=buyer.organisation, programme=programme)
        # Leave 40,000 available besides the orders' own reservations of 30,000 each.
        quota_reserve(
            actor=None, account=account, amount=account.available - Decimal("40000.00"), reference="t"
        )

    def record(order):
        # Each contract alone may deduct 60,000 (30 % of 200,000; 40,000 + its own 30,000 of quota).
        return lambda: services.contract_record(
            actor=provider, order=order, terms=terms(total="200000.00", deduction="60000.00")
        )

    results = run_together([record(o) for o in orders])
    recorded = [r for r in results if isinstance(r, Contract)]
    assert len(recorded) == 1, results
    assert Counter(r for r in results if isinstance(r, str)) == {"deduction_above_maximum": parallel - 1}
    account.refresh_from_db()
    assert account.committed == Decimal("60000.00")
    assert account.available == Decimal("10000.00")
    assert account.available + account.reserved + account.committed + account.paid == account.cap

"""Builders for payout tests: approved claims ready to be batched, and a batch walked through its states.

Orders and contracts go through their services; the approved claim itself stands in for the claim review
(as :func:`voucher.testing.builders.make_product` stands in for the product review): it is written in its
approved state and the ledger is moved as the review would move it (the reduction released, the approved
payout left committed), so the ledger check holds.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.claims.services import claim_window
from voucher.contracts import services as contract_services
from voucher.core import clock
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.services import quota_release_commitment
from voucher.payouts import services
from voucher.payouts.models import PayoutBatch
from voucher.payouts.selectors import BatchFilters
from voucher.testing.builders import ORDER_DAY, make_eligible, make_product
from voucher.testing.contracts import place_and_accept, terms
from voucher.testing.factories import OrganisationFactory, UserFactory

# The day a batch is drawn up and published, three weeks after the order day.
PUBLISH_DAY = (ORDER_DAY + dt.timedelta(days=20)).date()


def approved_claim(
    programme: Any,
    *,
    provider: Any = None,
    deduction: Decimal = Decimal("30000.00"),
    payout: Decimal | None = None,
    direction: str = "industrial_design",
    decided_at: dt.datetime | None = None,
) -> Claim:
    """A new eligible enterprise orders a new product of ``provider``; the contract is confirmed and the
    claim approved with ``payout`` (default: the whole deduction)."""
    provider_user = provider or UserFactory(provider=True)
    with clock.frozen_at(ORDER_DAY):
        buyer = make_eligible(UserFactory(organisation=OrganisationFactory(enterprise=True)), programme)
        product = make_product(programme, provider=provider_user, direction=direction)
        order = place_and_accept(buyer, product, provider_user)
        contract = contract_services.contract_record(
            actor=provider_user,
            order=order,
            terms=terms(deduction=str(deduction), end=ORDER_DAY.date() + dt.timedelta(days=30)),
        )
        contract = contract_services.contract_confirm(actor=buyer, contract=contract)
    amount = payout if payout is not None else contract.deduction
    moment = decided_at or ORDER_DAY + dt.timedelta(days=10)
    account = QuotaAccount.objects.get(organisation_id=contract.enterprise_id, programme_id=programme.pk)
    if amount < contract.deduction:
        quota_release_commitment(
            actor=None,
            account=account,
            amount=contract.deduction - amount,
            reference=order.number,
            note="核减",
        )
    return Claim.objects.create(
        contract=contract,
        order=order,
        programme=programme,
        enterprise_id=contract.enterprise_id,
        provider_id=contract.provider_id,
        status=ClaimStatus.APPROVED,
        created_at=moment,
        updated_at=moment,
        deadline=claim_window(contract).deadline,
        submitted_at=moment,
        submission_count=1,
        approved_payout=amount,
        decision_reason="" if amount == contract.deduction else "核减",
        decided_at=moment,
        quota_settled_at=moment,
    )


def payee_for(provider_user: Any) -> Any:
    """Give the provider a payee account through the service."""
    return services.payee_account_save(
        actor=provider_user,
        organisation=provider_user.organisation,
        account_name="",
        bank_name="中国工商银行北京中关村支行",
        account_number=f"0200{provider_user.organisation_id:012d}",
    )


def batch_of(admin: Any, programme: Any, **filters: Any) -> PayoutBatch:
    """A draft batch of every approved, unbatched claim of the year (narrowed by ``filters``)."""
    return services.payout_batch_create(
        actor=admin, filters=BatchFilters(programme_id=programme.pk, **filters), title="测试批次"
    )


def batch_approved(admin: Any, programme: Any, *, on: dt.date | None = None, **filters: Any) -> PayoutBatch:
    """A batch published on ``on`` (default: the order day + 20) and approved after its notice period."""
    start = on or (ORDER_DAY + dt.timedelta(days=20)).date()
    with clock.frozen_at(start):
        batch = batch_of(admin, programme, **filters)
        batch = services.payout_batch_publish(actor=admin, batch=batch)
    assert batch.notice_ends_on is not None
    with clock.frozen_at(batch.notice_ends_on + dt.timedelta(days=1)):
        return services.payout_batch_approve(actor=admin, batch=batch)

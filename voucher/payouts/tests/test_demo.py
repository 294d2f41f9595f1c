"""The demo payout batches are built by the real services (the demo is also a test) and keep the ledger."""

from __future__ import annotations

import pytest

from voucher.demo.payouts import seed_payouts
from voucher.demo.seed import seed_demo
from voucher.enforcement.invariants import ledger_mismatches
from voucher.payouts.choices import BatchStatus, ItemStatus
from voucher.payouts.models import PayoutBatch

pytestmark = pytest.mark.django_db


def test_demo_has_a_paid_batch_and_one_under_notice():
    seed_demo()
    made = PayoutBatch.objects.count()
    batches = seed_payouts()[:2]
    assert sorted(b.status for b in batches) == sorted([BatchStatus.PAID, BatchStatus.NOTICED])
    paid = next(b for b in batches if b.status == BatchStatus.PAID)
    assert paid.item_count >= 1 and all(i.status == ItemStatus.PAID for i in paid.items.all())
    assert paid.export_count == 1
    assert ledger_mismatches() == []
    assert (
        PayoutBatch.objects.count() == made and len(seed_payouts()) == made
    )  # running again changes nothing

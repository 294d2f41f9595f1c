"""The demo claims are built by the real services (the demo is also a test)."""

from __future__ import annotations

from typing import Any

import pytest

from voucher.claims.choices import CheckOutcome, ClaimStatus
from voucher.claims.models import Claim
from voucher.demo.applications import seed_applications
from voucher.demo.catalogue import seed_catalogue
from voucher.demo.claims import seed_claims
from voucher.demo.contracts import seed_contracts
from voucher.demo.enterprises import seed_enterprises
from voucher.demo.orders import seed_orders
from voucher.demo.seed import seed_people
from voucher.enterprises.models import QuotaAccount

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


def test_demo_claims_in_every_state():
    seed_people()
    seed_enterprises()
    seed_applications()
    seed_catalogue()
    seed_orders()
    seed_contracts()
    claims = seed_claims()
    assert sorted(c.status for c in claims) == sorted(
        [
            ClaimStatus.DRAFT,
            ClaimStatus.SUBMITTED,
            ClaimStatus.APPROVED,
            ClaimStatus.RETURNED,
            ClaimStatus.WAIVED,
        ]
    )
    approved = next(c for c in claims if c.status == ClaimStatus.APPROVED)
    assert approved.approved_payout < approved.contract.deduction and approved.decision_reason
    submitted = next(c for c in claims if c.status == ClaimStatus.SUBMITTED)
    outcomes = {p.code: p.outcome for p in submitted.prechecks.all()}
    assert outcomes["contract_order_number"] == CheckOutcome.PASS
    assert outcomes["contract_order_time"] == CheckOutcome.PASS
    assert outcomes["contract_product_name"] == CheckOutcome.PASS
    for account in QuotaAccount.objects.all():
        assert account.available == account.cap - account.reserved - account.committed - account.paid
    assert len(seed_claims()) == 5 and Claim.objects.count() == 5  # running again changes nothing

"""The demo contracts are built by the real services (the demo is also a test)."""

from __future__ import annotations

from typing import Any

import pytest

from voucher.contracts.choices import ContractStatus
from voucher.contracts.models import Contract, Rating
from voucher.demo.applications import seed_applications
from voucher.demo.catalogue import seed_catalogue
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


def test_demo_contracts_in_every_state():
    seed_people()
    seed_enterprises()
    seed_applications()
    seed_catalogue()
    seed_orders()
    contracts = seed_contracts()
    assert sorted(c.status for c in contracts) == sorted(
        [ContractStatus.COMPLETED, ContractStatus.CONFIRMED, ContractStatus.RECORDED]
    )
    assert any(c.annualised for c in contracts)
    rating = Rating.objects.get()
    assert rating.reply and rating.product.rating_count == 1
    for account in QuotaAccount.objects.filter(organisation__contracts__isnull=False).distinct():
        assert account.available >= 0 and account.committed > 0
    assert seed_contracts() and Contract.objects.count() == 3  # running again changes nothing

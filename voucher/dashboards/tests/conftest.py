"""Fixtures for the dashboard: a small 2025 world in every ledger state, and ledger sums computed by hand."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction

from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.dashboards.selectors import Filters
from voucher.enterprises.models import QuotaAccount, QuotaLedgerEntry
from voucher.programmes.models import ProgrammeYear
from voucher.testing.dashboards import build_dashboard_world


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """Built once per test module (the claims' PDFs are slow to make) inside a transaction rolled back at
    the end; each test runs in its own savepoint within it, so what a test changes is undone after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_dashboard_world(ProgrammeYear.objects.get(year=2025))
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world, db):
    return shared_world


@pytest.fixture
def filters(programme_2025):
    return Filters(programme=programme_2025)


def account_sums(programme) -> dict[str, Decimal]:
    """Sums over the year's quota accounts, added up in Python."""
    sums = {"reserved": Decimal("0"), "committed": Decimal("0"), "paid": Decimal("0")}
    for account in QuotaAccount.objects.filter(programme=programme):
        for bucket in sums:
            sums[bucket] += getattr(account, bucket)
    return sums


def ledger_sums(programme) -> dict[str, Decimal]:
    """Sums of every entry's bucket change (its balance after minus the previous entry's), in Python."""
    last: dict[int, dict[str, Decimal]] = defaultdict(
        lambda: {"reserved": Decimal("0"), "committed": Decimal("0"), "paid": Decimal("0")}
    )
    sums = {"reserved": Decimal("0"), "committed": Decimal("0"), "paid": Decimal("0")}
    for entry in QuotaLedgerEntry.objects.filter(account__programme=programme).order_by("id"):
        for bucket in sums:
            now = getattr(entry, f"{bucket}_after")
            sums[bucket] += now - last[entry.account_id][bucket]
            last[entry.account_id][bucket] = now
    return sums


def approved_sum(programme) -> Decimal:
    return sum(
        (c.approved_payout for c in Claim.objects.filter(programme=programme, status=ClaimStatus.APPROVED)),
        Decimal("0"),
    )

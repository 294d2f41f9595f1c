"""Fixtures for the dashboard: a small 2025 world in every ledger state, and ledger sums computed by hand."""

from __future__ import annotations

import pytest
from django.db import transaction

from voucher.dashboards.selectors import Filters
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

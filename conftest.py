"""Shared fixtures: users for every role, a frozen clock, the 2025 programme."""

from __future__ import annotations

import os

import pytest
from django.db import connection


def pytest_configure(config: pytest.Config) -> None:
    # CI sets VOUCHER_REQUIRE_POSTGRES so a missing PostgreSQL fails the run instead of quietly using SQLite.
    if os.environ.get("VOUCHER_REQUIRE_POSTGRES") and "postgres" not in os.environ.get("DATABASE_URL", ""):
        raise pytest.UsageError("VOUCHER_REQUIRE_POSTGRES is set but DATABASE_URL is not PostgreSQL")


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


pytest_plugins = ["voucher.testing.fixtures"]

"""Fixtures for oversight: an approved claim with its two parties."""

from __future__ import annotations

import pytest

from voucher.testing.enforcement import approved_claim
from voucher.testing.factories import UserFactory


@pytest.fixture
def provider(db):
    return UserFactory(provider=True)


@pytest.fixture
def claim(programme_2025, reviewer_user, provider):
    """An approved claim of 30,000 (the full deduction)."""
    return approved_claim(programme_2025, reviewer=reviewer_user, provider=provider)


@pytest.fixture
def enterprise(claim):
    """A member of the claim's ordering enterprise."""
    return claim.enterprise.members.first()

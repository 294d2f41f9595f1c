"""Fixtures of the enterprises tests."""

from __future__ import annotations

from typing import Any

import pytest

from voucher.enterprises.services import enterprise_authenticate
from voucher.testing.enterprises import classify_small
from voucher.testing.factories import OrganisationFactory, UserFactory


@pytest.fixture
def verified_user(enterprise_user: Any) -> Any:
    enterprise_authenticate(
        actor=enterprise_user,
        organisation=enterprise_user.organisation,
        uscc=enterprise_user.organisation.uscc,
    )
    return enterprise_user


@pytest.fixture
def eligible_user(verified_user: Any, programme_2025: Any) -> Any:
    classify_small(verified_user, programme_2025)
    return verified_user


@pytest.fixture
def other_enterprise_user(db: Any) -> Any:
    return UserFactory(organisation=OrganisationFactory(enterprise=True))

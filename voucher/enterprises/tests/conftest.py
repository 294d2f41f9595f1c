"""Fixtures of the enterprises tests."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from voucher.enterprises.services import enterprise_authenticate, enterprise_classify
from voucher.testing.factories import OrganisationFactory, UserFactory

REFERENCE = Path(settings.BASE_DIR) / "data" / "reference"


def reference_rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def verified_user(enterprise_user: Any) -> Any:
    enterprise_authenticate(
        actor=enterprise_user,
        organisation=enterprise_user.organisation,
        uscc=enterprise_user.organisation.uscc,
    )
    return enterprise_user


def classify_small(user: Any, programme: Any, industry_code: str = "C1391", **figures: Any) -> Any:
    values = {"employees": 45, "revenue_wan": Decimal("3800"), "assets_wan": Decimal("2600"), **figures}
    return enterprise_classify(
        actor=user, organisation=user.organisation, programme=programme, industry_code=industry_code, **values
    )


@pytest.fixture
def eligible_user(verified_user: Any, programme_2025: Any) -> Any:
    classify_small(verified_user, programme_2025)
    return verified_user


@pytest.fixture
def other_enterprise_user(db: Any) -> Any:
    return UserFactory(organisation=OrganisationFactory(enterprise=True))

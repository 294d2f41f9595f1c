"""Issue 17, item 2: a provider's product names of one year are compared by their identifier key."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from voucher.applications import services
from voucher.testing.applications import valid_data

pytestmark = pytest.mark.django_db


def save_errors(user, programme, **overrides):
    try:
        services.application_create(
            actor=user, programme=programme, data=valid_data(user.organisation, **overrides), full_check=True
        )
    except ValidationError as exc:
        return exc.message_dict
    return {}


@pytest.mark.parametrize("spelling", ["RACE-1\u200b", "race-1", "ＲＡＣＥ－１", "RACE-1\u202e"])
def test_trust_2_duplicate_product_name_refused(spelling, provider_user, programme_2025):
    assert save_errors(provider_user, programme_2025, product_name="RACE-1") == {}
    errors = save_errors(provider_user, programme_2025, product_name=spelling)
    assert "不能重复" in errors["product_name"][0]


def test_trust_2_provider_name_matches_through_invisible_characters(provider_user, programme_2025):
    name = provider_user.organisation.name
    assert "provider_name" not in save_errors(provider_user, programme_2025, provider_name=f"{name}\u200b")

"""Payout fixtures shared by the payout and task tests: approved claims of two providers, payee accounts,
and a batch in each state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from voucher.core import clock
from voucher.payouts import services
from voucher.testing.factories import UserFactory
from voucher.testing.payouts import PUBLISH_DAY, approved_claim, batch_approved, batch_of, payee_for


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def provider_a(db):
    return UserFactory(provider=True)


@pytest.fixture
def provider_b(db):
    return UserFactory(provider=True)


@pytest.fixture
def claims(programme_2025, provider_a, provider_b):
    """Three approved claims: two of provider A (one reduced), one of provider B."""
    return [
        approved_claim(programme_2025, provider=provider_a),
        approved_claim(programme_2025, provider=provider_a, payout=Decimal("25000.50")),
        approved_claim(programme_2025, provider=provider_b, deduction=Decimal("20000.00")),
    ]


@pytest.fixture
def payees(provider_a, provider_b):
    return [payee_for(provider_a), payee_for(provider_b)]


@pytest.fixture
def draft(claims, admin_user, programme_2025):
    with clock.frozen_at(PUBLISH_DAY):
        return batch_of(admin_user, programme_2025)


@pytest.fixture
def noticed(draft, admin_user):
    with clock.frozen_at(PUBLISH_DAY):
        return services.payout_batch_publish(actor=admin_user, batch=draft)


@pytest.fixture
def approved(claims, payees, admin_user, programme_2025):
    return batch_approved(admin_user, programme_2025, on=PUBLISH_DAY)


@pytest.fixture
def after_notice(approved):
    """Standing on the day after the approved batch's notice ended."""
    with clock.frozen_at(approved.notice_ends_on + dt.timedelta(days=1)) as moment:
        yield moment


@pytest.fixture
def exported(approved, admin_user, after_notice, tmp_path):
    services.payout_batch_export(actor=admin_user, batch=approved, out=str(tmp_path / "pay.xlsx"))
    approved.refresh_from_db()
    return approved

"""The demo oversight records are built by the real services and leave the demo logins free to trade."""

from __future__ import annotations

from typing import Any

import pytest

from voucher.accounts.models import User
from voucher.core import clock
from voucher.demo.applications import seed_applications
from voucher.demo.catalogue import seed_catalogue
from voucher.demo.claims import seed_claims
from voucher.demo.contracts import seed_contracts
from voucher.demo.enforcement import BANNED_USERNAME, seed_enforcement
from voucher.demo.enterprises import seed_enterprises
from voucher.demo.orders import seed_orders
from voucher.demo.seed import seed_people
from voucher.enforcement.choices import ClawbackStatus
from voucher.enforcement.models import Clawback, Sanction, SpotCheck
from voucher.enforcement.selectors import sanction_in_force, spot_check_verify

pytestmark = pytest.mark.django_db

DEMO_LOGINS = ["ent_food", "ent_soft", "ent_mfg", "provider_ai", "provider_green", "provider_design"]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


def test_demo_oversight_records():
    seed_people()
    for step in (
        seed_enterprises,
        seed_applications,
        seed_catalogue,
        seed_orders,
        seed_contracts,
        seed_claims,
    ):
        step()
    seed_enforcement()
    check = SpotCheck.objects.get()
    assert check.items.exclude(outcome="").exists() and spot_check_verify(check).draw_reproduced
    clawback = Clawback.objects.get()
    assert clawback.status == ClawbackStatus.PARTLY_REPAID and 0 < clawback.repaid < clawback.amount_due
    today = clock.today()
    banned = User.objects.get(username=BANNED_USERNAME)
    assert sanction_in_force(organisation_id=banned.organisation_id, on=today) is not None
    for username in DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert sanction_in_force(organisation_id=user.organisation_id, on=today) is None, username
    seed_enforcement()  # running again changes nothing
    assert (SpotCheck.objects.count(), Clawback.objects.count(), Sanction.objects.count()) == (1, 1, 1)

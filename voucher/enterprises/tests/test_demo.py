"""The demo enterprises are authenticated and classified through the services."""

from __future__ import annotations

from decimal import Decimal

from voucher.demo.enterprises import LISTED_COMPANY, seed_enterprises
from voucher.demo.seed import seed_demo
from voucher.enterprises.models import CreditListEntry, QuotaAccount, SizeClassification
from voucher.enterprises.selectors import digital_marketing_eligible
from voucher.programmes.selectors import programme_current


def test_seed_enterprises_gives_each_demo_enterprise_its_quota(db) -> None:
    seed_demo()
    seed_enterprises()
    seed_enterprises()
    programme = programme_current()
    current = {
        c.organisation.members.get().username: c for c in SizeClassification.objects.filter(is_current=True)
    }
    assert set(current) == {"ent_food", "ent_soft", "ent_mfg"}
    assert all(c.eligible for c in current.values())
    assert current["ent_mfg"].size == "medium" and current["ent_soft"].industry.code == "I6513"
    assert digital_marketing_eligible(current["ent_food"].industry, programme)
    assert not digital_marketing_eligible(current["ent_soft"].industry, programme)
    accounts = QuotaAccount.objects.filter(programme=programme)
    # The demo orders placed after this step may already have reserved part of the quota.
    assert accounts.count() == 3 and {a.cap for a in accounts} == {Decimal("200000.00")}
    assert all(a.available == a.cap - a.reserved - a.committed - a.paid for a in accounts)
    assert CreditListEntry.objects.filter(uscc=LISTED_COMPANY["uscc"]).count() == 1

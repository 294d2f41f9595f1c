"""Y3: quotas, orders, contracts and claims belong to one programme year; a new year starts with fresh quotas
and the last year's records keep their own year's account."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from voucher.core import clock
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.services import enterprise_classify
from voucher.orders import services as order_services
from voucher.programmes.choices import YearStatus
from voucher.programmes.services import programme_year_copy
from voucher.testing.builders import make_product
from voucher.testing.payouts import approved_claim

FIGURES = {"employees": 40, "revenue_wan": Decimal("2000"), "assets_wan": Decimal("1500")}


def figures(account):
    return (account.cap, account.reserved, account.committed, account.paid, account.available)


def test_y3_new_year_starts_with_fresh_quotas_and_last_years_records_keep_their_account(
    programme_2025, admin_user
):
    claim = approved_claim(programme_2025)
    enterprise = claim.enterprise
    buyer = enterprise.members.get()
    last_year = QuotaAccount.objects.get(organisation=enterprise, programme=programme_2025)
    before = figures(last_year)
    assert last_year.available < last_year.cap

    with clock.frozen_at(dt.date(2026, 1, 5)):
        next_year = programme_year_copy(actor=admin_user, source=programme_2025, year=2026)
    next_year.status = YearStatus.ACTIVE
    next_year.save()
    with clock.frozen_at(dt.datetime(2026, 7, 1, 10, 0, tzinfo=clock.SHANGHAI)):
        enterprise_classify(
            actor=buyer, organisation=enterprise, programme=next_year, industry_code="I6513", **FIGURES
        )
        fresh = QuotaAccount.objects.get(organisation=enterprise, programme=next_year)
        assert fresh.available == fresh.cap == next_year.annual_cap_per_enterprise
        product = make_product(next_year)
        order = order_services.order_place(
            actor=buyer,
            product=product,
            idempotency_key=uuid.uuid4().hex,
            contact_name="王经理",
            contact_mobile="13912345678",
        )
    assert order.programme_id == next_year.pk
    fresh.refresh_from_db()
    assert fresh.reserved == order.subsidy_estimate > 0
    last_year.refresh_from_db()
    assert figures(last_year) == before
    claim.refresh_from_db()
    assert claim.programme_id == claim.contract.programme_id == claim.order.programme_id == programme_2025.pk

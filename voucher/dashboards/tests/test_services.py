"""Dashboard figures (SPEC M4) against the quota ledger and the claims they come from.

Written so that they hold whether the ledger moves an approved claim to "paid" at approval or only at
disbursement: "paid" and "committed" are compared with the ledger, "approved" with the claims.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from voucher.core import clock
from voucher.dashboards import selectors
from voucher.dashboards.selectors import BUCKETS, BudgetRow, Filters
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.services import quota_claw_back, quota_pay
from voucher.programmes.models import Direction, Field
from voucher.programmes.services import programme_year_copy
from voucher.testing.builders import ORDER_DAY, make_product
from voucher.testing.dashboards import account_sums, approved_sum, ledger_sums, make_enterprise, place_order

pytestmark = pytest.mark.django_db

D = Decimal


def added(rows: list[BudgetRow]) -> dict[str, Decimal]:
    return {b: sum((getattr(r, b) for r in rows), D("0")) for b in BUCKETS}


def as_dict(row: BudgetRow) -> dict[str, Decimal]:
    return {b: getattr(row, b) for b in BUCKETS}


def test_m4_totals_equal_quota_accounts_and_ledger_entries(world, filters):
    figures = selectors.budget(filters)
    accounts = account_sums(filters.programme)
    ledger = ledger_sums(filters.programme)
    for bucket in ("reserved", "committed", "paid"):
        assert getattr(figures.totals, bucket) == accounts[bucket] == ledger[bucket]
        assert getattr(figures.accounts, bucket) == accounts[bucket]
    assert figures.totals.approved == approved_sum(filters.programme) == D("43000.00")
    assert figures.ledger_matches_accounts
    # What the world holds, whatever the payout rule: one open reservation, four contracts' deductions
    # (one approved with a reduced payout of 25,000 instead of 30,000).
    assert figures.totals.reserved == D("30000.00")
    assert figures.totals.committed + figures.totals.paid == D("70000.00")
    assert figures.accounts.accounts == 3
    assert figures.accounts.available == figures.accounts.cap - D("100000.00")


def test_m4_breakdowns_add_up_to_totals(world, filters):
    figures = selectors.budget(filters)
    total = as_dict(figures.totals)
    assert added(figures.by_field) == total
    assert added(figures.by_direction) == total
    assert added(figures.by_district) == total
    assert as_dict(figures.series[-1]) == total  # every movement happened inside 2025
    assert figures.opening.empty


def test_m4_breakdown_by_field_direction_and_district(world, filters):
    figures = selectors.budget(filters)
    fields = {r.key: r for r in figures.by_field}
    assert [r.label for r in figures.by_field] == ["数智赋能", "绿色低碳", "高端时尚"]
    assert fields["fashion"].reserved == D("30000.00")
    assert fields["fashion"].committed + fields["fashion"].paid == D("15000.00")
    assert fields["green"].committed + fields["green"].paid == D("37000.00")
    assert fields["green"].approved == D("25000.00")
    assert fields["digital"].approved == D("18000.00")
    directions = {r.key: r for r in figures.by_direction}
    assert len(directions) == 9  # every direction of the year, with or without figures
    assert directions["energy_audit"].group == "绿色低碳"
    assert directions["carbon_footprint"].empty
    districts = {r.label: r for r in figures.by_district}
    assert set(districts) == {"海淀区", "朝阳区", "大兴区"}
    assert districts["海淀区"].key == "110108"
    assert districts["海淀区"].reserved == D("30000.00")
    assert districts["海淀区"].approved == D("25000.00")
    assert districts["朝阳区"].committed + districts["朝阳区"].paid == D("33000.00")
    assert districts["大兴区"].approved == D("0.00")


def test_m4_monthly_series_are_balances_at_the_end_of_each_month(world, filters):
    figures = selectors.budget(filters)
    months = {r.key: r for r in figures.series}
    assert len(figures.series) == 12
    assert months["2025-06"].empty
    assert months["2025-07"].reserved == D("30000.00")
    assert months["2025-07"].approved == D("25000.00")  # the reduced claim, decided on 15 July
    assert months["2025-08"].approved == D("43000.00")  # and the full one, on 5 August
    assert as_dict(months["2025-12"]) == as_dict(figures.totals)


def test_m4_weekly_series_cover_the_year_in_shanghai_weeks(world, programme_2025):
    figures = selectors.budget(Filters(programme=programme_2025, period="week"))
    assert figures.series[0].key == "2024-12-30"  # the Monday of the week holding 1 January 2025
    assert len(figures.series) == 53
    weeks = {r.key: r for r in figures.series}
    # 15 July 2025 is a Tuesday: its week starts on 14 July.
    assert weeks["2025-07-07"].approved == D("0.00")
    assert weeks["2025-07-14"].approved == D("25000.00")
    assert as_dict(figures.series[-1]) == as_dict(figures.totals)


def test_m4_period_boundaries_are_shanghai_midnights(programme_2025):
    months = selectors.periods_of(2025, "month")
    assert months[0].start == dt.datetime(2025, 1, 1, tzinfo=clock.SHANGHAI)
    assert months[-1].end == dt.datetime(2026, 1, 1, tzinfo=clock.SHANGHAI)
    assert all(a.end == b.start for a, b in itertools.pairwise(months))


def test_m4_paid_follows_the_ledger_and_approved_the_claims(world, filters, admin_user):
    """A payout recorded on the ledger moves committed to paid; the approved figure does not move."""
    claim = world.claims["full"]
    account = QuotaAccount.objects.get(organisation=claim.enterprise, programme=filters.programme)
    before = selectors.budget(filters)
    if account.committed >= claim.approved_payout:  # the rule that pays at disbursement
        with clock.frozen_at(dt.datetime(2025, 9, 10, 10, 0, tzinfo=clock.SHANGHAI)):
            quota_pay(
                actor=admin_user,
                account=account,
                amount=claim.approved_payout,
                committed_amount=claim.approved_payout,
                reference=claim.order.number,
            )
    after = selectors.budget(filters)
    assert after.totals.approved == before.totals.approved
    assert after.totals.paid >= D("18000.00")
    for bucket in ("reserved", "committed", "paid"):
        assert getattr(after.totals, bucket) == account_sums(filters.programme)[bucket]
    digital = next(r for r in after.by_field if r.key == "digital")
    assert digital.paid == D("18000.00") and digital.committed == D("0.00")
    assert added(after.by_direction) == as_dict(after.totals)


def test_m4_movements_without_an_order_are_shown_apart_and_still_add_up(world, filters, admin_user):
    claim = world.claims["full"]
    account = QuotaAccount.objects.get(organisation=claim.enterprise, programme=filters.programme)
    with clock.frozen_at(dt.datetime(2025, 9, 10, 10, 0, tzinfo=clock.SHANGHAI)):
        if account.paid < D("1000.00"):
            quota_pay(
                actor=admin_user,
                account=account,
                amount=claim.approved_payout,
                committed_amount=claim.approved_payout,
                reference=claim.order.number,
            )
        quota_claw_back(actor=admin_user, account=account, amount="1000.00", reference="CB-0001")
    figures = selectors.budget(filters)
    assert figures.by_direction[-1].label == "未关联订单"
    assert figures.by_direction[-1].paid == D("-1000.00")
    assert added(figures.by_direction) == as_dict(figures.totals)
    assert added(figures.by_field) == as_dict(figures.totals)
    assert figures.totals.paid == account_sums(filters.programme)["paid"]


def test_m4_a_ledger_that_disagrees_with_the_accounts_is_flagged(world, filters):
    account = QuotaAccount.objects.filter(programme=filters.programme).first()
    QuotaAccount.objects.filter(pk=account.pk).update(
        reserved=account.reserved + 1, available=account.available - 1
    )
    figures = selectors.budget(filters)
    assert not figures.ledger_matches_accounts
    assert figures.accounts.reserved == figures.totals.reserved + 1


def test_m4_field_and_direction_filters(world, programme_2025):
    green = Field.objects.get(programme=programme_2025, code="green")
    by_field = selectors.budget(Filters(programme=programme_2025, field=green))
    assert [r.key for r in by_field.by_field] == ["green"]
    assert {r.key for r in by_field.by_direction} == {"energy_management", "energy_audit", "carbon_footprint"}
    assert by_field.totals.approved == D("25000.00")
    assert by_field.totals.committed + by_field.totals.paid == D("37000.00")
    assert added(by_field.by_district) == as_dict(by_field.totals)
    design = Direction.objects.get(programme=programme_2025, code="industrial_design")
    by_direction = selectors.budget(Filters(programme=programme_2025, direction=design))
    assert by_direction.totals.reserved == D("30000.00")
    assert by_direction.totals.approved == D("0.00")
    assert [r.key for r in by_direction.by_direction] == ["industrial_design"]
    assert [r.key for r in by_direction.by_field] == ["fashion"]
    vouchers = selectors.vouchers_by_product(Filters(programme=programme_2025, direction=design))
    assert [v.total for v in vouchers] == [5]


def test_m4_vouchers_left_per_product(world, filters):
    rows = {r.direction: r for r in selectors.vouchers_by_product(filters)}
    assert (rows["9. 工业设计"].total, rows["9. 工业设计"].ordered, rows["9. 工业设计"].left) == (5, 2, 3)
    assert (rows["7. 能源审计"].total, rows["7. 能源审计"].ordered, rows["7. 能源审计"].left) == (4, 2, 2)
    # The cancelled order gave its voucher back.
    assert (rows["1. 大模型应用"].total, rows["1. 大模型应用"].ordered, rows["1. 大模型应用"].left) == (
        3,
        1,
        2,
    )
    assert all(r.total == r.ordered + r.left for r in rows.values())


def test_m4_claims_by_status(world, filters):
    rows = {r.status: r for r in selectors.claims_by_status(filters)}
    assert list(rows) == ["draft", "submitted", "returned", "approved", "voided", "waived"]
    assert rows["approved"].count == 2
    assert rows["approved"].deduction == D("48000.00")
    assert rows["approved"].approved == D("43000.00")
    assert rows["submitted"].count == 1 and rows["submitted"].deduction == D("12000.00")
    assert rows["draft"].count == 0


@pytest.mark.parametrize(
    ("today", "bucket"),
    [
        (dt.date(2025, 7, 15), "7天以内"),
        (dt.date(2025, 7, 22), "7天以内"),
        (dt.date(2025, 7, 23), "8–14天"),
        (dt.date(2025, 7, 29), "8–14天"),
        (dt.date(2025, 7, 30), "15–30天"),
        (dt.date(2025, 8, 14), "15–30天"),
        (dt.date(2025, 8, 15), "30天以上"),
    ],
)
def test_m4_claims_by_age_in_days_since_submission(world, filters, today, bucket):
    rows = selectors.claims_by_age(filters, today=today)  # the pending claim was submitted on 15 July
    assert {r.label: r.submitted for r in rows} == {r.label: int(r.label == bucket) for r in rows}
    assert sum(r.returned for r in rows) == 0


def test_m4_provider_ranking_by_volume_and_rating(world, filters):
    first, second = world.providers
    ranked = selectors.provider_ranking(filters)
    assert [r.provider_id for r in ranked] == [first.organisation_id, second.organisation_id]
    top = ranked[0]
    assert (top.rank, top.products, top.orders, top.contracts) == (1, 2, 4, 3)
    assert top.contract_amount == D("190000.00") and top.approved == D("25000.00")
    assert top.rating is None and top.ratings == 0
    other = ranked[1]
    assert other.approved == D("18000.00") and other.contract_amount == D("60000.00")
    assert other.ratings == 1 and other.rating == D("4.00")
    by_rating = selectors.provider_ranking(filters, "rating")
    assert [r.provider_id for r in by_rating] == [second.organisation_id, first.organisation_id]
    assert sum((r.approved for r in ranked), D("0")) == approved_sum(filters.programme)


def test_m4_headline_equals_the_dashboard_totals(world, filters):
    figures = selectors.budget(filters)
    head = selectors.headline(filters.programme)
    assert (head.reserved, head.committed, head.approved, head.paid) == tuple(
        getattr(figures.totals, b) for b in BUCKETS
    )


def test_m4_another_year_has_its_own_figures(world, filters, admin_user):
    later = programme_year_copy(actor=admin_user, source=filters.programme, year=2026)
    empty = Filters(programme=later)
    figures = selectors.budget(empty)
    assert figures.totals.empty and figures.ledger_matches_accounts
    assert all(r.empty for r in figures.series) and figures.series[0].key == "2026-01"
    assert selectors.provider_ranking(empty) == []
    assert selectors.vouchers_by_product(empty) == []


def test_m4_figure_queries_do_not_grow_with_products_and_enterprises(world, filters):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.budget(filters)
            selectors.vouchers_by_product(filters)
            selectors.claims_by_status(filters)
            selectors.claims_by_age(filters)
            selectors.provider_ranking(filters)
        return len(ctx.captured_queries)

    before = count()
    with clock.frozen_at(ORDER_DAY):
        for district in ("110106", "110107", "110114"):
            buyer = make_enterprise(filters.programme, district)
            place_order(buyer, make_product(filters.programme, direction="carbon_footprint"))
    assert count() == before

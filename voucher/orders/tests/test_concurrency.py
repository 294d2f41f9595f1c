"""O3 under real concurrency: threads with their own database connections, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from decimal import Decimal

import pytest

from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.services import quota_reserve
from voucher.orders import services
from voucher.orders.choices import OrderStatus
from voucher.orders.models import Order
from voucher.programmes.models import ProgrammeYear
from voucher.testing.builders import ORDER_DAY, make_eligible, make_product
from voucher.testing.factories import OrganisationFactory, UserFactory
from voucher.testing.orders import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def order_job(user, product, key=None):
    return lambda: services.order_place(
        actor=user,
        product=product,
        idempotency_key=key or uuid.uuid4().hex,
        contact_name="王经理",
        contact_mobile="13912345678",
    )


@pytest.fixture
def programme():
    return ProgrammeYear.objects.get(year=2025)


def buyers(programme, n):
    with clock.frozen_at(ORDER_DAY):
        return [
            make_eligible(UserFactory(organisation=OrganisationFactory(enterprise=True)), programme)
            for _ in range(n)
        ]


def test_o3_never_more_orders_than_vouchers(programme):
    product = make_product(programme, vouchers=3)
    users = buyers(programme, 10)
    results = run_together([order_job(u, product) for u in users])
    placed = [r for r in results if isinstance(r, Order)]
    assert len(placed) == 3
    assert Counter(r for r in results if isinstance(r, str)) == {"sold_out": 7}
    product.refresh_from_db()
    assert product.vouchers_left == 0
    assert Order.objects.filter(product=product, status=OrderStatus.PLACED).count() == 3


def test_o3_reservations_never_exceed_the_available_quota(programme):
    [user] = buyers(programme, 1)
    account = QuotaAccount.objects.get(organisation=user.organisation, programme=programme)
    with clock.frozen_at(ORDER_DAY):
        quota_reserve(
            actor=None, account=account, amount=Decimal("150000.00"), reference="test", note="先占用"
        )
    products = [make_product(programme, price=Decimal("100000.00")) for _ in range(6)]
    results = run_together([order_job(user, p) for p in products])
    placed = [r for r in results if isinstance(r, Order)]
    assert sorted(o.subsidy_estimate for o in placed) == [Decimal("20000.00"), Decimal("30000.00")]
    assert Counter(r for r in results if isinstance(r, str)) == {"quota_exhausted": 4}
    account.refresh_from_db()
    assert account.available == Decimal("0.00")
    assert account.reserved == Decimal("200000.00")
    assert sum(p.vouchers_left for p in Product.objects.filter(pk__in=[p.pk for p in products])) == 6 * 5 - 2


def test_o3_double_submission_creates_one_order(programme):
    [user] = buyers(programme, 1)
    product = make_product(programme, vouchers=5)
    results = run_together([order_job(user, product, key="same-submission-key") for _ in range(6)])
    assert len({r.pk for r in results if isinstance(r, Order)}) == 1
    product.refresh_from_db()
    assert product.vouchers_left == 4
    assert Order.objects.count() == 1


def test_o6_o7_concurrent_cancel_and_expiry_release_exactly_once(programme):
    [user] = buyers(programme, 1)
    product = make_product(programme, vouchers=5)
    with clock.frozen_at(ORDER_DAY):
        order = order_job(user, product)()
    late = dt.datetime(2025, 7, 9, 9, 0, tzinfo=clock.SHANGHAI)

    def expire():
        with clock.frozen_at(late):
            return services.orders_sweep()

    def cancel():
        return services.order_cancel(actor=user, order=order)

    run_together([expire, cancel, expire, cancel])
    product.refresh_from_db()
    account = QuotaAccount.objects.get(organisation=user.organisation, programme=programme)
    assert product.vouchers_left == 5
    assert account.reserved == Decimal("0.00") and account.available == Decimal("200000.00")
    order.refresh_from_db()
    assert order.status in {OrderStatus.CANCELLED, OrderStatus.EXPIRED}

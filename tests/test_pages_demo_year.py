"""The demo shows the whole year (issue 18): for today, a record in every state a role can act on, and the
page of that action opens for the role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from voucher.accounts.models import User
from voucher.catalogue.choices import ProductStatus
from voucher.claims.choices import ClaimStatus
from voucher.core import clock
from voucher.demo.seed import seed_demo
from voucher.demo.year import YearStates, seed_year_states
from voucher.orders.choices import OrderStatus
from voucher.payouts.choices import BatchStatus
from voucher.testing.api_world import module_world

# "Near" a deadline: at most this many days away, and not passed.
NEAR_DAYS = 7


@pytest.fixture(scope="module")
def year(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[YearStates]:
    """The demo, seeded once for the module inside a transaction rolled back at the end."""
    with module_world(django_db_blocker, tmp_path_factory.mktemp("demo-year-media")):
        seed_demo()
        yield seed_year_states()


def _page(username: str, path: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get(path)
    assert response.status_code == 200, (username, path, response.status_code)
    return response.content.decode()


def _owner(organisation_id: int) -> str:
    return User.objects.filter(organisation_id=organisation_id).order_by("pk").first().username


def test_pages_demo_ready_product_can_be_put_on_sale(year, db):
    product = year.ready_product
    assert product is not None and product.status == ProductStatus.READY
    assert product.notice_item.notice.ends_on < clock.today()
    page = _page("admin", reverse("catalogue:manage"))
    assert product.name in page and reverse("catalogue:on_sale", args=[product.pk]) in page


def test_pages_demo_sold_out_product(year, db):
    product = year.sold_out_product
    assert product is not None and product.status == ProductStatus.ON_SALE and product.vouchers_left == 0
    page = _page("ent_food", reverse("catalogue:detail", args=[product.pk]))
    assert product.name in page and reverse("orders:new", args=[product.pk]) not in page


def test_pages_demo_order_near_its_acceptance_deadline(year, db):
    order = year.near_order
    assert order is not None and order.status == OrderStatus.PLACED
    assert 0 <= (order.acceptance_deadline - clock.today()).days <= NEAR_DAYS
    page = _page(_owner(order.provider_id), reverse("orders:detail", args=[order.number]))
    assert reverse("orders:accept", args=[order.number]) in page


def test_pages_demo_claim_near_its_deadline(year, db):
    claim = year.near_claim
    assert claim is not None and claim.status == ClaimStatus.DRAFT
    assert 0 <= (claim.deadline - clock.today()).days <= NEAR_DAYS
    provider = _owner(claim.provider_id)
    _page(provider, reverse("claims:data", args=[claim.order.number]))
    _page(provider, reverse("claims:materials", args=[claim.order.number]))


def test_pages_demo_batch_past_its_notice_is_ready_for_the_payment_file(year, db):
    batch = year.approved_batch
    assert batch is not None and batch.status == BatchStatus.APPROVED
    assert batch.notice_ends_on < clock.today()
    page = _page("admin", reverse("payouts:batch_detail", args=[batch.pk]))
    assert reverse("tasks:payout_export_start", args=[batch.pk]) in page and "导出支付文件" in page


def test_pages_demo_exported_batch_awaits_payment(year, db):
    batch = year.exported_batch
    assert batch is not None and batch.status == BatchStatus.EXPORTED and batch.export_count == 1
    page = _page("admin", reverse("payouts:batch_detail", args=[batch.pk]))
    assert reverse("payouts:batch_paid", args=[batch.pk]) in page and "登记为已支付" in page


def test_pages_demo_year_states_are_made_once(year, db):
    again = seed_year_states()
    assert again == year

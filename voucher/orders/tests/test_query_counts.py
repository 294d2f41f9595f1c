"""Launch-day cost of the order endpoint (issue 6 benchmark): queries per request, the sold-out
shortcut, and the once-a-day order-time credit check.

A change that adds a query to the order path makes the count tests fail; raise a number only on purpose.
The counts include the session that the test client's login costs (the benchmark keeps sessions in the
cache, so there it is one query fewer); the logged-in user comes from the shared cache once it has been read.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.core.cache import shared_cache_enabled
from voucher.enterprises.choices import CreditListKind
from voucher.enterprises.models import CreditCheck
from voucher.enterprises.services import credit_list_entry_create
from voucher.orders import services, soldout
from voucher.orders.models import Order
from voucher.testing.builders import make_product

pytestmark = pytest.mark.django_db

# One successful order over the API once the day's order-time credit check is stored and the product's facts
# are in the shared cache: session, the enterprise's facts with an earlier submission of the same key,
# account lock with the retry/open-order check, order, account update, ledger entry, both audit events
# (one insert), the provider's notification (one outbox row; its members' inbox rows and e-mail deliveries
# are written after commit by a worker), the voucher.
ORDER_QUERIES = 9
# The product's facts not yet cached (first order after a change to the product or its programme year):
# the product with its programme year and provider.
PRODUCT_FACTS_MISS = 1
# The first order after login also reads the user (then cached) and runs the credit check (programme year,
# credit list, stored check, audit). (The acceptance deadline, computed from the calendar once a minute, is
# already cached by the earlier order of the test.)
FIRST_ORDER_EXTRA = 5
# A product already found sold out: the session (which the benchmark keeps in the cache) and one indexed
# read of an earlier submission with the same key (kept in the database, never only in the cache).
# Nothing about the product or the enterprise.
SOLD_OUT_QUERIES = 2


def payload(product) -> dict:
    return {
        "product_id": product.pk,
        "idempotency_key": uuid.uuid4().hex,
        "contact_name": "王经理",
        "contact_mobile": "13912345678",
    }


def post(client, product, body=None):
    return client.post("/api/v1/orders/", body or payload(product), content_type="application/json")


def business_queries(queries) -> list[str]:
    """The statements that reach the database, without the test's own savepoints."""
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_query_count_of_one_successful_order(client, buyer, another_buyer, programme_2025):
    one, two, three = (make_product(programme_2025) for _ in range(3))
    client.force_login(another_buyer)
    assert post(client, three).status_code == 201  # the facts of product three are now cached
    client.force_login(buyer)
    with CaptureQueriesContext(connection) as first:
        assert post(client, one).status_code == 201
    with CaptureQueriesContext(connection) as second:
        response = post(client, two)
    with CaptureQueriesContext(connection) as third:
        assert post(client, three).status_code == 201
    assert response.status_code == 201 and response.json()["status"] == "placed"
    first_count = ORDER_QUERIES + PRODUCT_FACTS_MISS + FIRST_ORDER_EXTRA
    assert len(business_queries(first)) == first_count, business_queries(first)
    assert len(business_queries(second)) == ORDER_QUERIES + PRODUCT_FACTS_MISS, business_queries(second)
    assert len(business_queries(third)) == ORDER_QUERIES, business_queries(third)
    assert not any('FROM "catalogue_product"' in sql for sql in business_queries(third))


def test_query_count_of_a_sold_out_refusal(client, buyer, another_buyer, programme_2025):
    product = make_product(programme_2025, vouchers=1)
    client.force_login(another_buyer)
    assert post(client, product).status_code == 201
    client.force_login(buyer)
    assert post(client, product).json()["code"] == "sold_out"  # found in the database, flag set
    with CaptureQueriesContext(connection) as queries:
        response = post(client, product)
    assert response.status_code == 422 and response.json()["code"] == "sold_out"
    assert product.name in response.json()["message"]
    statements = business_queries(queries)
    assert len(statements) == SOLD_OUT_QUERIES, statements
    assert not any('FROM "catalogue_product"' in sql for sql in statements)


def test_o3_a_retry_after_the_sell_out_gets_its_order_back(client, buyer, another_buyer, programme_2025):
    """The submission key seen before takes the database path: the first order comes back, not sold_out."""
    product = make_product(programme_2025, vouchers=1)
    client.force_login(buyer)
    body = payload(product)
    first = post(client, product, body)
    assert first.status_code == 201
    client.force_login(another_buyer)
    assert post(client, product).json()["code"] == "sold_out"  # flag set
    client.force_login(buyer)
    again = post(client, product, body)
    assert again.status_code == 201 and again.json()["number"] == first.json()["number"]
    assert Order.objects.filter(product=product).count() == 1


def place(user, product, key=None):
    return services.order_place(
        actor=user,
        product=product,
        idempotency_key=key or uuid.uuid4().hex,
        contact_name="王经理",
        contact_mobile="13912345678",
    )


def code_of(exc_info) -> str:
    return next(e.code for errs in exc_info.value.error_dict.values() for e in errs)


def test_o3_sold_out_flag_is_cleared_when_a_voucher_comes_back(
    buyer, another_buyer, programme_2025, django_capture_on_commit_callbacks
):
    product = make_product(programme_2025, vouchers=1)
    order = place(another_buyer, product)
    with pytest.raises(ValidationError) as exc:
        place(buyer, product)
    assert code_of(exc) == "sold_out"
    assert soldout.observe(product.pk).sold_out_name == product.name
    with django_capture_on_commit_callbacks(execute=True):
        services.order_cancel(actor=another_buyer, order=order)
    assert soldout.observe(product.pk).sold_out_name is None
    assert place(buyer, product).status == "placed"
    assert Product.objects.get(pk=product.pk).vouchers_left == 0


def test_o3_sold_out_flag_from_before_a_release_does_not_hold(
    programme_2025, django_capture_on_commit_callbacks
):
    """A process that saw the product sold out, then wrote its flag after a release committed."""
    product = make_product(programme_2025, vouchers=0)
    seen = soldout.observe(product.pk)
    with django_capture_on_commit_callbacks(execute=True):
        soldout.vouchers_returned(product.pk)
    soldout.mark_sold_out(product.pk, product.name, seen)
    assert soldout.observe(product.pk).sold_out_name is None
    fresh = soldout.observe(product.pk)
    soldout.mark_sold_out(product.pk, product.name, fresh)
    assert soldout.observe(product.pk).sold_out_name == product.name


def test_o3_sold_out_flag_is_only_used_with_a_shared_cache(settings):
    settings.VOUCHER_SHARED_CACHE = None
    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    redis = {"default": {"BACKEND": "voucher.core.cache.RedisCache", "LOCATION": "redis://x"}}
    with override_settings(CACHES=local):
        assert not shared_cache_enabled()
        assert soldout.observe(1) == soldout.OFF
    with override_settings(CACHES=redis):
        assert shared_cache_enabled()


def test_o3_a_suspended_product_is_not_flagged_sold_out(buyer, programme_2025):
    from voucher.catalogue.choices import ProductStatus

    product = make_product(programme_2025)
    Product.objects.filter(pk=product.pk).update(status=ProductStatus.SUSPENDED)
    with pytest.raises(ValidationError) as exc:
        place(buyer, product)
    assert code_of(exc) == "not_on_sale"
    assert soldout.observe(product.pk).sold_out_name is None


def order_checks(user) -> int:
    return CreditCheck.objects.filter(organisation=user.organisation, context="order").count()


def test_e4_order_time_credit_check_is_stored_once_a_day(buyer, programme_2025):
    place(buyer, make_product(programme_2025))
    place(buyer, make_product(programme_2025))
    assert order_checks(buyer) == 1
    with clock.frozen_at(dt.datetime(2025, 7, 2, 9, 0, tzinfo=clock.SHANGHAI)):
        place(buyer, make_product(programme_2025))
    assert order_checks(buyer) == 2


def test_e4_a_credit_list_entry_added_later_the_same_day_refuses_the_next_order(
    buyer, programme_2025, admin_user
):
    place(buyer, make_product(programme_2025))
    credit_list_entry_create(
        actor=admin_user,
        uscc=buyer.organisation.uscc,
        name=buyer.organisation.name,
        kind=CreditListKind.DISHONEST_DEBTOR,
        recorded_on=dt.date(2025, 6, 30),
        source="测试",
    )
    with pytest.raises(ValidationError) as exc:
        place(buyer, make_product(programme_2025))
    assert code_of(exc) == "credit"
    assert order_checks(buyer) == 2
    assert Order.objects.count() == 1


def test_e4_an_old_entry_outside_the_look_back_still_gets_a_fresh_check_and_passes(
    buyer, programme_2025, admin_user
):
    credit_list_entry_create(
        actor=admin_user,
        uscc=buyer.organisation.uscc,
        name=buyer.organisation.name,
        kind=CreditListKind.SERIOUS_NEGATIVE,
        recorded_on=dt.date(2019, 1, 1),
        source="测试",
    )
    place(buyer, make_product(programme_2025))
    place(buyer, make_product(programme_2025))
    assert order_checks(buyer) == 2

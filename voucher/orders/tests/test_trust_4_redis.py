"""Issue 17 item 4: Redis is a cache, not a single point of failure."""

from __future__ import annotations

import time
import uuid

import pytest
from django.core.cache import cache
from django.test import override_settings

from voucher.orders.models import Order
from voucher.testing.builders import make_product

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every cache call fails at once, as with Redis stopped.
REDIS_DOWN = {
    "default": {
        "BACKEND": "voucher.core.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
    }
}
SESSIONS = "voucher.core.sessions"


def payload(product, key=None) -> dict:
    return {
        "product_id": product.pk,
        "idempotency_key": key or uuid.uuid4().hex,
        "contact_name": "王经理",
        "contact_mobile": "13912345678",
    }


def post(client, body):
    return client.post("/api/v1/orders/", body, content_type="application/json")


@override_settings(SESSION_ENGINE=SESSIONS)
def test_trust_4_logged_in_users_keep_working_with_redis_down(client, buyer, programme_2025):
    client.force_login(buyer)  # logged in while Redis was up
    product = make_product(programme_2025)
    with override_settings(CACHES=REDIS_DOWN):
        started = time.perf_counter()
        placed = post(client, payload(product))
        elapsed = time.perf_counter() - started
        assert placed.status_code == 201, placed.content
        assert client.get("/orders/").status_code == 200
        assert client.get(f"/orders/{placed.json()['number']}/").status_code == 200
    assert elapsed < 2
    assert Order.objects.filter(enterprise=buyer.organisation).count() == 1


@override_settings(SESSION_ENGINE=SESSIONS)
def test_trust_4_logging_in_and_out_works_with_redis_down(client, buyer):
    with override_settings(CACHES=REDIS_DOWN):
        response = client.post("/accounts/login/", {"username": buyer.username, "password": "pw-123456"})
        assert response.status_code == 302
        assert client.get("/orders/").status_code == 200
        client.post("/accounts/logout/")
        assert client.get("/orders/").status_code == 302


def test_trust_4_sold_out_products_are_refused_from_the_database_with_redis_down(
    client, buyer, another_buyer, programme_2025
):
    product = make_product(programme_2025, vouchers=1)
    with override_settings(CACHES=REDIS_DOWN):
        client.force_login(another_buyer)
        assert post(client, payload(product)).status_code == 201
        client.force_login(buyer)
        refused = post(client, payload(product))
    assert refused.status_code == 422 and refused.json()["code"] == "sold_out"


def test_trust_4_a_retry_after_a_redis_restart_gets_its_order_back(
    client, buyer, another_buyer, programme_2025
):
    """The restart empties the cache; the sold-out flag is set again first, the retry still gets its order."""
    product = make_product(programme_2025, vouchers=1)
    client.force_login(buyer)
    body = payload(product)
    first = post(client, body)
    assert first.status_code == 201
    cache.clear()  # the restart
    client.force_login(another_buyer)
    assert post(client, payload(product)).json()["code"] == "sold_out"  # found in the database, flag set
    client.force_login(buyer)
    again = post(client, body)
    assert again.status_code == 201, again.content
    assert again.json()["number"] == first.json()["number"]
    assert Order.objects.filter(product=product).count() == 1


def test_trust_4_readiness_names_the_failing_part(client, monkeypatch):
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}
    with override_settings(CACHES=REDIS_DOWN):
        down = client.get("/readyz")
        assert client.get("/healthz").status_code == 200
    assert down.status_code == 503 and down.json() == {"status": "unavailable", "failing": ["cache"]}

    def broken(*_args, **_kwargs):
        raise OSError("database unreachable")

    monkeypatch.setattr("voucher.core.views.connection.cursor", broken)
    no_database = client.get("/readyz")
    assert no_database.status_code == 503 and no_database.json()["failing"] == ["database"]

"""Issue 17 item 3: order rate limits behind the prescribed proxy count per enterprise and per real address."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from django.test import Client, RequestFactory

from voucher.core.clientip import client_ip, client_network
from voucher.orders import limits
from voucher.orders.models import Order

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def one_window(monkeypatch):
    """Every request falls in the same rate window (fixed windows start on the minute)."""
    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))


def body(product) -> dict:
    return {
        "product_id": product.pk,
        "idempotency_key": uuid.uuid4().hex,
        "contact_name": "王经理",
        "contact_mobile": "13912345678",
    }


def behind_proxy(user, address: str) -> Client:
    """A logged-in client whose requests reach the app through the proxy, sent from ``address``."""
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    client.force_login(user)
    return client


def test_trust_3_client_ip_reads_the_trusted_hop_of_x_forwarded_for(settings):
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(spoofed) == PROXY  # no trusted proxy: the header is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(spoofed) == "203.0.113.9"  # what the client wrote itself is never used
    settings.TRUSTED_PROXY_COUNT = 2
    two = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.2")
    assert client_ip(two) == "203.0.113.9"
    assert client_ip(factory.get("/", REMOTE_ADDR=PROXY)) == PROXY
    assert client_ip(factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not-an-ip")) == PROXY
    settings.TRUSTED_PROXY_COUNT = 1
    six = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="2001:db8:1:2:aaaa::1")
    assert client_network(six) == "2001:db8:1:2::"


def test_trust_3_300_requests_from_one_address_leave_other_enterprises_unaffected(
    settings, buyer, another_buyer, provider, product
):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = behind_proxy(buyer, "203.0.113.7")
    missing = {**body(product), "product_id": 999_999}
    answers = [
        attacker.post(
            "/api/v1/orders/",
            {**missing, "idempotency_key": uuid.uuid4().hex},
            content_type="application/json",
        ).status_code
        for _ in range(300)
    ]
    assert answers.count(404) == 20 and answers.count(429) == 280  # its own enterprise budget, then refused
    other = behind_proxy(another_buyer, "198.51.100.20")
    response = other.post("/api/v1/orders/", body(product), content_type="application/json")
    assert response.status_code == 201, response.content
    assert Order.objects.filter(enterprise=another_buyer.organisation).count() == 1


def test_trust_3_providers_and_anonymous_callers_use_no_enterprise_budget(settings, buyer, provider, product):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.VOUCHER_ORDER_RATE_PER_IP = "300/m"
    address = "203.0.113.8"
    intruder = behind_proxy(provider, address)
    anonymous = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    for caller in (intruder, anonymous):
        answers = {
            caller.post("/api/v1/orders/", body(product), content_type="application/json").status_code
            for _ in range(150)
        }
        assert 429 not in answers and answers <= {401, 403}
    # The same address, now an enterprise: neither its enterprise nor its address budget was spent.
    response = behind_proxy(buyer, address).post(
        "/api/v1/orders/", body(product), content_type="application/json"
    )
    assert response.status_code == 201, response.content


def test_trust_3_the_order_page_counts_after_the_permission_check(settings, provider, product):
    settings.VOUCHER_ORDER_RATE_PER_IP = "2/m"
    client = behind_proxy(provider, "203.0.113.9")
    answers = {client.post(f"/orders/new/{product.pk}/", body(product)).status_code for _ in range(5)}
    assert answers == {403}

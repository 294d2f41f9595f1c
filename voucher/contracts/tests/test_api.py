"""The contracts API: recording with 422 codes, the quote, confirm, complete with rating, reply, OpenAPI."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BODY = {
    "number": "HT-API-7",
    "total_amount": "300000.00",
    "signed_on": "2025-07-01",
    "service_start": "2025-07-01",
    "service_end": "2026-12-31",
    "deduction": "60000.00",
}


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_api_flow(client, order, provider, buyer):
    client.force_login(provider)
    quote = client.get(
        f"/api/v1/contracts/orders/{order.number}/quote",
        {"total_amount": "300000", "service_start": "2025-07-01", "service_end": "2026-12-31"},
    ).json()
    assert quote["subsidisable_amount"] == "200000.00" and quote["max_deduction"] == "60000.00"
    created = post(
        client,
        f"/api/v1/contracts/orders/{order.number}",
        {**BODY, "counterparty_uscc": buyer.organisation.uscc},
    )
    assert created.status_code == 201
    assert created.json()["own_payment"] == "240000.00" and created.json()["status"] == "recorded"
    client.force_login(buyer)
    assert post(client, f"/api/v1/contracts/{order.number}/confirm", {}).json()["status"] == "confirmed"
    rating = {"quality": 5, "responsiveness": 5, "expertise": 4, "overall": 5, "comment": "好"}
    done = post(client, f"/api/v1/contracts/{order.number}/complete", {"rating": rating}).json()
    assert done["status"] == "completed" and done["rating"]["overall"] == 5
    public = client.get(f"/api/v1/contracts/products/{order.product_id}/ratings").json()
    assert public["count"] == 1 and public["average"] == "5.00" and public["latest"][0]["comment"] == "好"
    client.force_login(provider)
    assert (
        post(client, f"/api/v1/contracts/{order.number}/rating/reply", {"reply": "谢谢"}).status_code == 200
    )
    again = post(client, f"/api/v1/contracts/{order.number}/rating/reply", {"reply": "再谢"})
    assert again.status_code == 422 and again.json()["code"] == "already_replied"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"deduction": "60000.01"}, "deduction_above_maximum"),
        ({"signed_on": "2025-06-30"}, "before_order_date"),
        ({"own_payment": "1.00"}, "own_payment_mismatch"),
        ({"counterparty_uscc": "91110000000000000X"}, "counterparty_mismatch"),
    ],
)
def test_api_refusals_are_422_with_the_rule_code(client, order, provider, buyer, change, code):
    client.force_login(provider)
    response = post(
        client,
        f"/api/v1/contracts/orders/{order.number}",
        {**BODY, "counterparty_uscc": buyer.organisation.uscc, **change},
    )
    assert response.status_code == 422
    assert response.json()["code"] == code


def test_openapi_lists_the_contract_endpoints(client, admin_user):
    client.force_login(admin_user)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/contracts/orders/{number}",
        "/api/v1/contracts/{number}/confirm",
        "/api/v1/contracts/{number}/complete",
        "/api/v1/contracts/{number}/rating/reply",
        "/api/v1/contracts/products/{product_id}/ratings",
    ):
        assert path in paths

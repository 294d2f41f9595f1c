"""Order pages and the orders API."""

from __future__ import annotations

import uuid

import pytest

from voucher.orders.choices import OrderStatus
from voucher.orders.models import Order
from voucher.testing.builders import make_product

pytestmark = pytest.mark.django_db


def payload(product, key=None):
    return {
        "product_id": product.pk,
        "idempotency_key": key or uuid.uuid4().hex,
        "contact_name": "王经理",
        "contact_mobile": "13912345678",
    }


def test_order_page_confirms_then_places(client, buyer, product):
    client.force_login(buyer)
    page = client.get(f"/orders/new/{product.pk}/")
    body = page.content.decode()
    assert "确认下单企业信息" in body and "提交订单" in body and buyer.organisation.name in body
    key = page.context["form"].initial["idempotency_key"]
    response = client.post(f"/orders/new/{product.pk}/", {**payload(product, key), "note": ""})
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == f"/orders/{order.number}/"
    # A double click sends the same form again: still one order.
    client.post(f"/orders/new/{product.pk}/", {**payload(product, key), "note": ""})
    assert Order.objects.count() == 1
    detail = client.get(response.url).content.decode()
    assert order.number in detail and "30,000.00 元" in detail and "2025-07-08" in detail


def test_order_page_explains_why_ordering_is_not_possible(client, enterprise_user, product, on_order_day):
    client.force_login(enterprise_user)
    body = client.get(f"/orders/new/{product.pk}/").content.decode()
    assert "暂不能下单" in body and "请先完成企业认证" in body
    assert "提交订单</button>" not in body


def test_order_form_errors_appear_at_their_fields(client, buyer, product):
    client.force_login(buyer)
    response = client.post(
        f"/orders/new/{product.pk}/",
        {
            "product_id": product.pk,
            "idempotency_key": uuid.uuid4().hex,
            "contact_name": "王",
            "contact_mobile": "12",
        },
    )
    assert response.status_code == 200
    assert "请输入有效的11位中国大陆手机号码" in response.content.decode()
    assert not Order.objects.exists()


def test_provider_accepts_from_the_detail_page(client, buyer, product, provider):
    client.force_login(buyer)
    client.post(f"/orders/new/{product.pk}/", payload(product))
    order = Order.objects.get()
    client.force_login(provider)
    body = client.get(f"/orders/{order.number}/").content.decode()
    assert "接单</button>" in body and "拒单原因" in body
    client.post(f"/orders/{order.number}/accept/")
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED


def test_provider_order_list_shows_deadlines(client, buyer, product, provider):
    client.force_login(buyer)
    client.post(f"/orders/new/{product.pk}/", payload(product))
    client.force_login(provider)
    body = client.get("/orders/").content.decode()
    assert "接单截止" in body and buyer.organisation.name in body


def test_order_list_query_count_does_not_grow(client, buyer, programme_2025, django_assert_max_num_queries):
    client.force_login(buyer)
    for _ in range(3):
        client.post(f"/orders/new/{make_product(programme_2025).pk}/", payload(make_product(programme_2025)))
    with django_assert_max_num_queries(8):
        client.get("/orders/")


def test_api_place_then_idempotent_retry(client, buyer, product):
    client.force_login(buyer)
    body = payload(product, "api-retry-0001")
    first = client.post("/api/v1/orders/", body, content_type="application/json")
    assert first.status_code == 201
    data = first.json()
    assert data["status"] == "placed" and data["subsidy_estimate"] == "30000.00"
    again = client.post("/api/v1/orders/", body, content_type="application/json")
    assert again.json()["number"] == data["number"]


def test_api_refusals_carry_their_code(client, buyer, programme_2025):
    client.force_login(buyer)
    sold_out = make_product(programme_2025, vouchers=0)
    response = client.post("/api/v1/orders/", payload(sold_out), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "sold_out"
    missing = client.post(
        "/api/v1/orders/", {**payload(sold_out), "product_id": 999999}, content_type="application/json"
    )
    assert missing.status_code == 404
    bad = client.post("/api/v1/orders/", {"product_id": sold_out.pk}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_request"


def test_api_permissions(client, buyer, another_buyer, product, provider):
    client.force_login(buyer)
    number = client.post("/api/v1/orders/", payload(product), content_type="application/json").json()[
        "number"
    ]
    assert client.post(f"/api/v1/orders/{number}/accept").status_code == 403
    client.force_login(another_buyer)
    assert client.get(f"/api/v1/orders/{number}").status_code == 404
    assert client.post(f"/api/v1/orders/{number}/cancel").status_code == 404
    client.force_login(provider)
    assert (
        client.post(
            f"/api/v1/orders/{number}/decline", {"reason": ""}, content_type="application/json"
        ).status_code
        == 422
    )
    declined = client.post(
        f"/api/v1/orders/{number}/decline", {"reason": "档期已满"}, content_type="application/json"
    )
    assert declined.json()["status"] == "declined"
    client.logout()
    assert client.get("/api/v1/orders/").status_code == 401


def test_hammering_the_order_endpoint_gets_429_and_no_extra_orders(client, buyer, programme_2025, settings):
    from django.core.cache import cache

    cache.clear()
    settings.VOUCHER_ORDER_RATE_PER_ENTERPRISE = "3/m"
    client.force_login(buyer)
    products = [make_product(programme_2025) for _ in range(6)]
    statuses = [
        client.post("/api/v1/orders/", payload(p), content_type="application/json").status_code
        for p in products
    ]
    assert statuses == [201, 201, 201, 429, 429, 429]
    assert Order.objects.count() == 3
    refused = client.post("/api/v1/orders/", payload(products[0]), content_type="application/json")
    assert refused.json()["code"] == "rate_limited"
    page = client.post(f"/orders/new/{products[5].pk}/", payload(products[5]))
    assert page.status_code == 429 and "操作过于频繁" in page.content.decode()
    cache.clear()

"""E7 / M5: a sanctioned enterprise cannot order, and nobody can order a sanctioned provider's product."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError

from voucher.catalogue.models import Product
from voucher.enterprises.models import QuotaAccount
from voucher.orders import services
from voucher.orders.models import Order
from voucher.testing.orders import make_sanction

pytestmark = pytest.mark.django_db

BAN_START = dt.date(2025, 3, 1)
BAN_END = dt.date(2028, 2, 29)


def place(user, product):
    return services.order_place(
        actor=user,
        product=product,
        idempotency_key=uuid.uuid4().hex,
        contact_name="王经理",
        contact_mobile="13912345678",
    )


def refusal(exc_info) -> tuple[str, str]:
    error = next(e for errs in exc_info.value.error_dict.values() for e in errs)
    return error.code, error.message


def nothing_moved(buyer, product) -> None:
    assert not Order.objects.exists()
    assert Product.objects.get(pk=product.pk).vouchers_left == 5
    assert QuotaAccount.objects.get(organisation=buyer.organisation).reserved == 0


def test_e7_sanctioned_enterprise_is_refused_with_the_violation_and_last_day(buyer, product):
    make_sanction(buyer.organisation, starts_on=BAN_START, ends_on=BAN_END)
    with pytest.raises(ValidationError) as exc:
        place(buyer, product)
    code, message = refusal(exc)
    assert code == "sanctioned"
    assert "转让、倒卖服务券" in message and "2028-02-29" in message
    nothing_moved(buyer, product)


def test_e7_sanctioned_provider_product_is_refused(buyer, product):
    make_sanction(product.provider, starts_on=BAN_START, ends_on=BAN_END)
    with pytest.raises(ValidationError) as exc:
        place(buyer, product)
    code, message = refusal(exc)
    assert code == "provider_sanctioned"
    assert product.name in message and "2028-02-29" in message
    nothing_moved(buyer, product)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "lifted"),
    [
        (dt.date(2022, 6, 1), dt.date(2025, 6, 30), False),  # ended the day before the order day
        (dt.date(2025, 7, 2), dt.date(2028, 7, 1), False),  # starts the day after
        (BAN_START, BAN_END, True),  # lifted early by an admin
    ],
)
def test_e7_sanction_not_in_force_does_not_block(buyer, product, starts_on, ends_on, lifted):
    make_sanction(buyer.organisation, starts_on=starts_on, ends_on=ends_on, lifted=lifted)
    make_sanction(product.provider, starts_on=starts_on, ends_on=ends_on, lifted=lifted)
    assert place(buyer, product).pk


def test_e7_ban_covers_its_first_and_last_day(buyer, product):
    make_sanction(buyer.organisation, starts_on=dt.date(2025, 7, 1), ends_on=dt.date(2025, 7, 1))
    with pytest.raises(ValidationError) as exc:
        place(buyer, product)
    assert refusal(exc)[0] == "sanctioned"


def test_e7_order_page_explains_the_sanction(client, buyer, product):
    make_sanction(buyer.organisation, starts_on=BAN_START, ends_on=BAN_END)
    client.force_login(buyer)
    body = client.get(f"/orders/new/{product.pk}/").content.decode()
    assert "暂不能下单" in body and "2028-02-29" in body and "提交订单</button>" not in body
    response = client.post(
        f"/orders/new/{product.pk}/",
        {"idempotency_key": uuid.uuid4().hex, "contact_name": "王经理", "contact_mobile": "13912345678"},
    )
    assert response.status_code == 200 and "2028-02-29" in response.content.decode()
    nothing_moved(buyer, product)


def test_e7_order_page_explains_the_provider_sanction(client, buyer, product):
    make_sanction(product.provider, starts_on=BAN_START, ends_on=BAN_END)
    client.force_login(buyer)
    body = client.get(f"/orders/new/{product.pk}/").content.decode()
    assert "暂不能下单" in body and "服务商受到违规处理" in body


@pytest.mark.parametrize("who", ["enterprise", "provider"])
def test_e7_api_refusal_carries_code_and_reason(client, buyer, product, who):
    target = buyer.organisation if who == "enterprise" else product.provider
    make_sanction(target, starts_on=BAN_START, ends_on=BAN_END)
    client.force_login(buyer)
    response = client.post(
        "/api/v1/orders/",
        {
            "product_id": product.pk,
            "idempotency_key": uuid.uuid4().hex,
            "contact_name": "王经理",
            "contact_mobile": "13912345678",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == ("sanctioned" if who == "enterprise" else "provider_sanctioned")
    assert "2028-02-29" in data["message"]
    nothing_moved(buyer, product)

"""Issue 17 item 3: anonymous objections to a product notice are throttled per address and per notice."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from voucher.core.clock import frozen_at
from voucher.reviews.models import Objection
from voucher.testing.reviews import IN_NOTICE

pytestmark = pytest.mark.django_db

API = "/api/v1/reviews"
PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.VOUCHER_OBJECTION_RATE_PER_IP = "3/h"
    settings.VOUCHER_OBJECTION_RATE_PER_NOTICE = "5/h"
    cache.clear()
    yield
    cache.clear()


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def objection(notice) -> dict:
    return {"product_id": notice.items.get().product.pk, "name": "王五", "contact": "137", "text": "异议内容"}


def test_trust_3_objections_over_the_api_are_limited_per_address(notice):
    with frozen_at(IN_NOTICE):
        flooder = from_address("203.0.113.7")
        answers = [
            flooder.post(f"{API}/public/notices/{notice.pk}/objections", objection(notice)).status_code
            for _ in range(4)
        ]
        assert answers == [201, 201, 201, 429]
        neighbour = from_address("198.51.100.20")
        assert (
            neighbour.post(f"{API}/public/notices/{notice.pk}/objections", objection(notice)).status_code
            == 201
        )
    assert Objection.objects.count() == 4


def test_trust_3_objections_on_the_page_are_limited_per_notice_across_addresses(notice):
    url = reverse("reviews:public_notice", args=[notice.pk])
    product = notice.items.get().product
    form = {"product": product.pk, "name": "王五", "contact": "13700001111", "text": "异议内容"}
    with frozen_at(IN_NOTICE):
        answers = [from_address(f"203.0.113.{n}").post(url, form).status_code for n in range(6)]
    assert answers[5] == 429 and 429 not in answers[:5]
    assert Objection.objects.count() == 5

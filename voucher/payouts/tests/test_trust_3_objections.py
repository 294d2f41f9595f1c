"""Issue 17 item 3: anonymous objections to a payout notice are throttled per address."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from voucher.core import clock
from voucher.reviews.models import Objection

pytestmark = pytest.mark.django_db


def test_trust_3_payout_objections_are_limited_per_address(settings, noticed, payees):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.VOUCHER_OBJECTION_RATE_PER_IP = "2/h"
    cache.clear()
    url = reverse("payouts:public_batch", args=[noticed.pk])
    item = noticed.items.first()
    form = {"items": [item.pk], "name": "张三", "contact": "13900000000", "text": "服务未实际提供"}
    flooder = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    with clock.frozen_at(noticed.notice_starts_on):
        answers = [flooder.post(url, form).status_code for _ in range(3)]
        other = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20").post(url, form)
    assert answers == [302, 302, 429] and other.status_code == 302
    assert Objection.objects.filter(batch__isnull=False).count() == 3
    cache.clear()

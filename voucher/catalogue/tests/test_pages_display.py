"""Prices read with thousands separators and their unit; the industry picker names each code once."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.enterprises.models import IndustryCode
from voucher.testing.builders import ORDER_DAY, make_eligible

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "unit", "shown"),
    [
        (Decimal("100000.00"), "年", "100,000 元/年"),
        (Decimal("2500.50"), "次", "2,500.50 元/次"),
        (Decimal("800"), "", "800 元"),
    ],
)
def test_pages_price_has_separators_and_unit(amount, unit, shown):
    assert Product(price_amount=amount, price_unit=unit).price_display == shown


def test_pages_industry_picker_does_not_double_the_code(enterprise_user, programme_2025):
    with clock.frozen_at(ORDER_DAY):
        make_eligible(enterprise_user, programme_2025)
        client = Client()
        client.force_login(enterprise_user)
        response = client.get("/enterprise/classify/")
    assert response.status_code == 200
    html = response.content.decode()
    options = re.findall(r'<option value="([^"]+)">([^<]*)</option>', html.split('id="industry-codes"', 1)[1])
    assert len(options) > 10
    names = dict(IndustryCode.objects.values_list("code", "name"))
    assert all(label == names[value] for value, label in options)  # the browser shows the code beside it

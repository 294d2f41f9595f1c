"""Helpers and fixtures for contract tests: an accepted order, contract terms, the recorded contract.

A ``conftest.py`` that needs the fixtures imports them from here."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest

from voucher.contracts import services
from voucher.orders import services as order_services
from voucher.testing.builders import ORDER_DAY, place_order

DAY = ORDER_DAY.date()


def place_and_accept(enterprise_user: Any, item: Any, provider_user: Any) -> Any:
    return order_services.order_accept(actor=provider_user, order=place_order(enterprise_user, item))


def terms(
    *,
    number: str | None = None,
    total: str = "100000.00",
    deduction: str = "30000.00",
    signed: dt.date = DAY,
    start: dt.date = DAY,
    end: dt.date | None = None,
    own: Any = None,
) -> services.Terms:
    return services.Terms(
        number=number or f"HT-{uuid.uuid4().hex[:8]}",
        total_amount=Decimal(total),
        signed_on=signed,
        service_start=start,
        service_end=end or dt.date(DAY.year + 1, DAY.month, DAY.day) - dt.timedelta(days=1),
        deduction=Decimal(deduction),
        own_payment=own,
    )


@pytest.fixture
def order(buyer, product, provider):
    return place_and_accept(buyer, product, provider)


@pytest.fixture
def contract(order, provider):
    return services.contract_record(actor=provider, order=order, terms=terms(number="HT-2025-001"))

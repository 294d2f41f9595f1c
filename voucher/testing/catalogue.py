"""Test data builders for the reviews and catalogue tests: applications in a given status and products."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from typing import Any

from django.db.models import Max

from voucher.applications.choices import ApplicationStatus
from voucher.applications.models import Application
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.programmes.models import Direction, ProgrammeYear

_numbers = count(1)
SUBMITTED_AT = dt.datetime(2025, 5, 10, 10, 0, tzinfo=clock.SHANGHAI)


def next_sequence(organisation: Any, programme: ProgrammeYear) -> int:
    """The provider's next free application number in the year (as the applications service numbers them)."""
    last = Application.objects.filter(organisation=organisation, programme=programme).aggregate(
        m=Max("sequence")
    )
    return (last["m"] or 0) + 1


def application(
    provider: Any,
    programme: ProgrammeYear,
    *,
    status: str = ApplicationStatus.SUBMITTED,
    direction: int = 9,
    name: str | None = None,
    priority: int = 0,
    summary: str = "为中小企业提供产品外观、结构与包装设计。",
    price: str = "100000",
) -> Application:
    """An application row as the applications services leave it after submission (or a decision)."""
    number = next(_numbers)
    return Application.objects.create(
        programme=programme,
        organisation=provider.organisation,
        sequence=next_sequence(provider.organisation, programme),
        created_by=provider,
        status=status,
        direction=Direction.objects.get(programme=programme, number=direction),
        product_name=name or f"测试产品{number}",
        provider_name=provider.organisation.name,
        summary=summary,
        price_amount=Decimal(price),
        price_unit="年",
        pricing_basis="按工作量收费。",
        high_growth_count=priority,
        priority_score=priority,
        contact_name="李四",
        contact_mobile="13912345678",
        first_submitted_at=SUBMITTED_AT,
        last_submitted_at=SUBMITTED_AT,
    )


def product(
    provider: Any,
    programme: ProgrammeYear,
    *,
    status: str = ProductStatus.ON_SALE,
    direction: int = 9,
    name: str | None = None,
    summary: str = "为中小企业提供产品外观、结构与包装设计。",
    price: str = "100000",
    vouchers: int = 20,
    rating: str | None = None,
) -> Product:
    """A listed product with its approved application."""
    source = application(
        provider,
        programme,
        status=ApplicationStatus.APPROVED,
        direction=direction,
        name=name,
        summary=summary,
        price=price,
    )
    assert source.direction is not None
    return Product.objects.create(
        programme=programme,
        application=source,
        provider=provider.organisation,
        provider_name=provider.organisation.name,
        direction=source.direction,
        name=source.product_name,
        summary=summary,
        pricing_basis="按工作量收费。",
        price_amount=Decimal(price),
        price_unit="年",
        status=status,
        vouchers_total=vouchers if status == ProductStatus.ON_SALE else 0,
        vouchers_left=vouchers if status == ProductStatus.ON_SALE else 0,
        rating_count=1 if rating else 0,
        rating_average=Decimal(rating) if rating else None,
    )

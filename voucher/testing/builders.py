"""Builders of ready-made situations, shared by tests and benchmarks: an eligible enterprise, a product on sale,
an order placed through the ordering service.

They go through the enterprise services; the product stands in for the review and notice steps, which
tests of ordering do not need to repeat.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db.models import Max

from voucher.applications.choices import ApplicationStatus
from voucher.applications.models import Application
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.enterprises.services import enterprise_authenticate, enterprise_classify
from voucher.orders import services as order_services
from voucher.orders.models import Order
from voucher.testing.factories import UserFactory

# A Tuesday inside the 2025 ordering period.
ORDER_DAY = dt.datetime(2025, 7, 1, 10, 0, tzinfo=clock.SHANGHAI)


def make_eligible(user: Any, programme: Any, industry_code: str = "I6513") -> Any:
    """Authenticate and classify ``user``'s enterprise as a small business with the year's quota."""
    enterprise_authenticate(actor=user, organisation=user.organisation, uscc=user.organisation.uscc)
    enterprise_classify(
        actor=user,
        organisation=user.organisation,
        programme=programme,
        industry_code=industry_code,
        employees=40,
        revenue_wan=Decimal("2000"),
        assets_wan=Decimal("1500"),
    )
    return user


def make_product(
    programme: Any,
    *,
    direction: str = "industrial_design",
    price: Decimal = Decimal("100000.00"),
    vouchers: int = 5,
    provider: Any = None,
    status: str = ProductStatus.ON_SALE,
    name: str | None = None,
) -> Product:
    provider_user: Any = provider or UserFactory(provider=True)
    organisation: Any = provider_user.organisation
    direction_row = programme.directions.get(code=direction)
    last = Application.objects.filter(organisation=organisation, programme=programme).aggregate(
        m=Max("sequence")
    )
    sequence = (last["m"] or 0) + 1
    label = name or f"测试产品{organisation.pk}-{sequence}"
    application = Application.objects.create(
        programme=programme,
        organisation=organisation,
        sequence=sequence,
        created_by=provider_user,
        status=ApplicationStatus.APPROVED,
        direction=direction_row,
        product_name=label,
        provider_name=organisation.name,
        summary="测试产品简介",
        price_amount=price,
        price_unit="项",
        pricing_basis="按项目收费",
    )
    return Product.objects.create(
        programme=programme,
        application=application,
        provider=organisation,
        direction=direction_row,
        name=label,
        summary=application.summary,
        pricing_basis=application.pricing_basis,
        price_amount=price,
        price_unit="项",
        status=status,
        vouchers_total=vouchers,
        vouchers_left=vouchers if status == ProductStatus.ON_SALE else 0,
        on_sale_at=clock.now() - dt.timedelta(days=1),
    )


def place_order(buyer: Any, product: Product, *, idempotency_key: str | None = None) -> Order:
    """``buyer`` orders ``product`` through the ordering service, with the usual contact details."""
    return order_services.order_place(
        actor=buyer,
        product=product,
        idempotency_key=idempotency_key or uuid.uuid4().hex,
        contact_name="王经理",
        contact_mobile="13912345678",
    )

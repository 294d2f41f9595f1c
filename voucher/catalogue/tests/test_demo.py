"""The demo catalogue is built by the real services (ARCHITECTURE convention 10): the demo is also a test."""

from __future__ import annotations

from typing import Any

import pytest

from voucher.applications.choices import ApplicationStatus
from voucher.applications.models import Application
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.catalogue.selectors import catalogue_products
from voucher.demo.applications import seed_applications
from voucher.demo.catalogue import seed_catalogue
from voucher.demo.seed import seed_people
from voucher.programmes.selectors import programme_current
from voucher.reviews.choices import ObjectionStatus
from voucher.reviews.models import Notice, Objection, ReviewDecision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


def test_demo_catalogue_has_products_on_sale_in_all_nine_directions():
    seed_people()
    seed_applications()
    products = seed_catalogue()
    programme = programme_current()
    on_sale = catalogue_products(programme=programme)
    assert sorted({p.direction.number for p in on_sale}) == list(range(1, 10))
    # The demo's orders (seeded after the catalogue) may already have taken some vouchers.
    assert all(0 <= p.vouchers_left <= p.vouchers_total and p.vouchers_total > 0 for p in on_sale)
    notice = Notice.objects.get(programme=programme)
    assert notice.closed_at is not None
    objection = Objection.objects.get(notice=notice)
    assert objection.status == ObjectionStatus.DISMISSED and objection.resolution
    assert Application.objects.filter(programme=programme, status=ApplicationStatus.SUBMITTED).exists()
    assert ReviewDecision.objects.exists()
    assert all(p.application.name_locked_at is not None for p in products)
    # Running it again changes nothing.
    assert len(seed_catalogue()) == Product.objects.count() == len(products)
    assert ProductStatus.ON_SALE in {p.status for p in products}

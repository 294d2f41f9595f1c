"""The product facts an order reads from the shared cache, and the changes that invalidate them (O2, O3)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError

from voucher.catalogue.services import product_resume, product_suspend
from voucher.orders import product_facts, services
from voucher.programmes.services import programme_year_update
from voucher.testing.builders import make_product

pytestmark = pytest.mark.django_db


def place(user, product):
    return services.order_place(
        actor=user,
        product=product.pk,
        idempotency_key=uuid.uuid4().hex,
        contact_name="王经理",
        contact_mobile="13912345678",
    )


def cached(product):
    return product_facts.cached_from(product.pk, product_facts.read(product.pk))


def code_of(exc_info) -> str:
    return next(e.code for errs in exc_info.value.error_dict.values() for e in errs)


def test_o2_facts_are_cached_after_the_first_order_without_the_voucher_count(buyer, programme_2025):
    product = make_product(programme_2025)
    assert cached(product) is None
    place(buyer, product)
    facts = cached(product)
    assert facts is not None and facts.name == product.name and facts.programme.year == 2025
    assert "vouchers_left" in facts.get_deferred_fields()


def test_o2_suspending_a_product_invalidates_its_cached_facts(
    buyer, another_buyer, admin_user, programme_2025, django_capture_on_commit_callbacks
):
    product = make_product(programme_2025)
    place(another_buyer, product)
    assert cached(product) is not None
    with django_capture_on_commit_callbacks(execute=True):
        product_suspend(actor=admin_user, product=product, reason="核查")
    assert cached(product) is None
    with pytest.raises(ValidationError) as exc:
        place(buyer, product)
    assert code_of(exc) == "not_on_sale"
    with django_capture_on_commit_callbacks(execute=True):
        product_resume(actor=admin_user, product=product, reason="核查完毕")
    assert place(buyer, product).status == "placed"


def test_o2_a_change_to_the_programme_year_invalidates_every_products_facts(
    buyer, another_buyer, admin_user, programme_2025, django_capture_on_commit_callbacks
):
    product = make_product(programme_2025)
    place(another_buyer, product)
    assert cached(product) is not None
    with django_capture_on_commit_callbacks(execute=True):
        programme_year_update(actor=admin_user, programme=programme_2025, last_order_day=dt.date(2025, 6, 30))
    assert cached(product) is None
    with pytest.raises(ValidationError) as exc:
        place(buyer, product)
    assert code_of(exc) == "ordering_closed"


def test_o2_renaming_the_provider_invalidates_the_facts(
    buyer, another_buyer, programme_2025, django_capture_on_commit_callbacks
):
    product = make_product(programme_2025)
    place(another_buyer, product)
    provider = product.provider
    provider.name = "北京新名称服务有限公司"
    with django_capture_on_commit_callbacks(execute=True):
        provider.save()
    assert cached(product) is None
    assert place(buyer, product).provider.name == "北京新名称服务有限公司"


def test_o3_cached_facts_never_sell_a_voucher_that_is_not_there(buyer, another_buyer, programme_2025):
    product = make_product(programme_2025, vouchers=1)
    place(another_buyer, product)
    assert cached(product) is not None
    with pytest.raises(ValidationError) as exc:
        place(buyer, product)
    assert code_of(exc) == "sold_out"
    product.refresh_from_db()
    assert product.vouchers_left == 0

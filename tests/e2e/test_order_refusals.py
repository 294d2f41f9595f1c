"""The refusals enterprises meet most when ordering, as they see them on a phone and on a desktop:
wrong industry for digital marketing, no quota left, the last order day passed, and the last voucher
taken by someone else between opening the form and pressing 提交订单."""

from __future__ import annotations

import datetime as dt

import pytest

from voucher.accounts.models import User
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.demo.seed import DEMO_PASSWORD, seed_demo
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.services import quota_reserve
from voucher.orders import services as order_services
from voucher.orders.models import Order
from voucher.programmes.models import ProgrammeYear
from voucher.testing.browser import assert_labelled_and_fits, field, login, viewport_screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DESIGN = "京韵产品外观与包装设计"  # on sale in the demo (industrial design), anyone may order it


def _on_sale(direction_name: str) -> Product:
    return (
        Product.objects.filter(direction__name=direction_name, status=ProductStatus.ON_SALE)
        .order_by("id")
        .first()
    )


def _open_order_form(page, base: str, product: Product) -> None:
    page.goto(f"{base}/orders/new/{product.pk}/")
    page.get_by_role("heading", name="申请服务").wait_for()


def _refusal_text(page) -> str:
    alert = page.locator("main [role=alert]").first
    alert.wait_for()
    return alert.inner_text()


def test_refusals_on_a_phone_name_the_reason(live_server, phone):
    """O2/E5/E6: the order page says why the enterprise cannot order instead of offering the form."""
    seed_demo()
    base = live_server.url
    programme = ProgrammeYear.objects.get(year=clock.today().year)
    orders_before = Order.objects.count()

    # Wrong industry: a software company (I65) opens a digital-marketing product (E5).
    login(phone, base, "ent_soft", DEMO_PASSWORD)
    marketing = _on_sale("数字化营销")
    _open_order_form(phone, base, marketing)
    text = _refusal_text(phone)
    assert "暂不能下单" in text and "行业" in text, text
    assert phone.get_by_role("button", name="提交订单").count() == 0
    assert_labelled_and_fits(phone)
    viewport_screenshot(phone, "order-refused-industry-phone")

    # No quota left (E6): everything available is already reserved by earlier orders.
    soft = User.objects.get(username="ent_soft").organisation
    account = QuotaAccount.objects.get(organisation=soft, programme=programme)
    quota_reserve(actor=None, account=account, amount=account.available, reference="FWQ-EARLIER")
    design = Product.objects.get(name=DESIGN)
    _open_order_form(phone, base, design)
    text = _refusal_text(phone)
    assert "额度已用完" in text, text
    viewport_screenshot(phone, "order-refused-quota-phone")

    # The last order day has passed (O4).
    phone.context.clear_cookies()
    login(phone, base, "ent_mfg", DEMO_PASSWORD)
    ProgrammeYear.objects.filter(pk=programme.pk).update(last_order_day=clock.today() - dt.timedelta(days=1))
    _open_order_form(phone, base, design)
    text = _refusal_text(phone)
    assert "截止" in text and f"{clock.today() - dt.timedelta(days=1):%Y-%m-%d}" in text, text
    viewport_screenshot(phone, "order-refused-closed-phone")

    assert Order.objects.count() == orders_before


def test_last_voucher_taken_while_the_form_is_open(live_server, desktop):
    """O3: the form opened with one voucher left; someone else takes it; 提交订单 is refused at the top
    of the form with the sold-out reason, no order is created and the count stays at zero."""
    seed_demo()
    base = live_server.url
    design = Product.objects.get(name=DESIGN)
    Product.objects.filter(pk=design.pk).update(vouchers_left=1)

    login(desktop, base, "ent_mfg", DEMO_PASSWORD)
    _open_order_form(desktop, base, design)
    field(desktop, "contact_name").fill("王经理")
    field(desktop, "contact_mobile").fill("13900001111")

    food = User.objects.get(username="ent_food")
    order_services.order_place(
        actor=food,
        product=design,
        idempotency_key="race-winner-0001",
        contact_name="赵女士",
        contact_mobile="13900002222",
    )
    orders_before = Order.objects.count()

    desktop.get_by_role("button", name="提交订单").click()
    desktop.locator("main .errorlist, main [role=alert]").first.wait_for()
    assert "已领完" in desktop.locator("main").inner_text()
    viewport_screenshot(desktop, "order-refused-sold-out-desktop")
    design.refresh_from_db()
    assert design.vouchers_left == 0
    assert Order.objects.count() == orders_before

"""M5/E7 in a real browser: the Bureau records a fraud sanction against an enterprise; at its next order the
enterprise is refused with the reason and the last day of its ban, and sees the sanction on its workbench."""

from __future__ import annotations

import pytest

from voucher.accounts.models import User
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.demo.seed import DEMO_PASSWORD, seed_demo
from voucher.enforcement.models import Sanction
from voucher.orders.models import Order
from voucher.testing.browser import (
    assert_error_next_to,
    assert_labelled_and_fits,
    field,
    login,
    viewport_screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PRODUCT = "京韵产品外观与包装设计"  # on sale in the demo


def test_fraud_sanction_refuses_the_enterprise_at_its_next_order(live_server, desktop, phone):
    seed_demo()
    base = live_server.url
    today = clock.today()
    enterprise = User.objects.get(username="ent_mfg").organisation
    product = Product.objects.get(name=PRODUCT)

    # The Bureau records the violation; the facts are required and refused at their field when empty.
    login(desktop, base, "admin", DEMO_PASSWORD)
    desktop.goto(f"{base}/oversight/sanctions/new/")
    field(desktop, "kind").select_option("fake_contract")
    field(desktop, "decided_on").fill(f"{today:%Y-%m-%d}")
    field(desktop, "enterprise_uscc").fill(enterprise.uscc)
    field(desktop, "confirm").check()
    desktop.get_by_role("button", name="记录并执行").click()
    assert_error_next_to(desktop, "facts", "")
    assert not Sanction.objects.filter(organisation=enterprise).exists()
    field(desktop, "facts").fill("抽查发现该企业与服务商虚构服务合同，提高合同金额套取服务券资金。")
    field(desktop, "confirm").check()
    assert_labelled_and_fits(desktop)
    viewport_screenshot(desktop, "admin-sanction-new")
    desktop.get_by_role("button", name="记录并执行").click()
    sanction = Sanction.objects.get(organisation=enterprise)
    last_day = sanction.ends_on
    assert sanction.starts_on == today
    # Civil Code Art. 201-202: the day of the decision is not counted; the ban runs to the same date 3 years on.
    assert last_day == today.replace(year=today.year + 3)
    assert f"{last_day:%Y-%m-%d}" in desktop.locator("main").inner_text()

    # The enterprise tries to order on its phone: refused with the reason and the ban's last day.
    orders_before = Order.objects.count()
    login(phone, base, "ent_mfg", DEMO_PASSWORD)
    assert f"{last_day:%Y-%m-%d}" in phone.locator("main").inner_text()
    phone.goto(f"{base}/orders/new/{product.pk}/")
    refusal = phone.locator("main [role=alert]").first.inner_text()
    assert "虚构服务券合同" in refusal and f"{last_day:%Y-%m-%d}" in refusal, refusal
    assert phone.get_by_role("button", name="提交订单").count() == 0
    viewport_screenshot(phone, "enterprise-sanctioned-order-phone")
    assert Order.objects.count() == orders_before

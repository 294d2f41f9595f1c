"""A new enterprise signs up on a phone, classifies, orders, signs, confirms completion and rates;
the provider accepts the order and records the contract on a desktop."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import (
    assert_error_next_to,
    assert_labelled_and_fits,
    field,
    login,
    screenshot,
    viewport_screenshot,
)
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.demo.codes import make_uscc
from voucher.demo.seed import DEMO_PASSWORD, seed_demo
from voucher.orders.models import Order

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PRODUCT = "京韵产品外观与包装设计"  # on sale in the demo, sold by provider_design
NAME = "北京新芽文化科技有限公司"
USCC = make_uscc(777, division="110108")
PASSWORD = "Xinya-2025-voucher"


def tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the control called ``name`` has the focus (it must be reachable by keyboard)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.name") == name:
            return
    raise AssertionError(f"{name} cannot be reached with the Tab key")


def sign_up_with_the_keyboard(page, base: str) -> None:
    """The sign-up form, filled and sent with Tab and Enter only; a Shanghai code is refused at its field."""
    page.goto(f"{base}/enterprise/signup/")
    assert_labelled_and_fits(page)
    screenshot(page, "enterprise-signup-phone")
    values = [
        ("name", NAME),
        ("uscc", make_uscc(777, division="310104")),
        ("registered_address", "北京市海淀区中关村大街1号"),
        ("contact_name", "刘女士"),
        ("contact_phone", "13912345678"),
        ("username", "xinya"),
        ("password", PASSWORD),
        ("password_again", PASSWORD),
    ]
    tab_to(page, "name")
    for index, (name, value) in enumerate(values):
        if index:
            page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.name") == name
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    page.locator("main .has-error").first.wait_for()
    assert_error_next_to(page, "uscc", "北京")
    viewport_screenshot(page, "enterprise-signup-error-phone")

    field(page, "uscc").fill(USCC)
    field(page, "password").fill(PASSWORD)
    field(page, "password_again").fill(PASSWORD)
    field(page, "password_again").press("Enter")
    page.wait_for_url(f"{base}/enterprise/classify/")


def test_enterprise_year_from_sign_up_to_a_rated_order(live_server, phone, desktop):
    seed_demo()
    product = Product.objects.get(name=PRODUCT)
    base = live_server.url
    today = clock.today()
    ent = phone

    # 注册并认证 → 划型认证 → 认证结果 with the year's 200,000 yuan available.
    sign_up_with_the_keyboard(ent, base)
    assert "企业认证已通过" in ent.locator("main").inner_text()
    field(ent, "industry_code").fill("I65")
    field(ent, "employees").fill("35")
    field(ent, "revenue_wan").fill("1200")
    field(ent, "assets_wan").fill("800")
    ent.get_by_label("我承诺以上数据真实").check()
    assert_labelled_and_fits(ent)
    screenshot(ent, "enterprise-classify-phone")
    ent.get_by_role("button", name="提交划型").click()
    ent.wait_for_url(f"{base}/enterprise/result/")
    result = ent.locator("main").inner_text()
    assert "小型企业" in result and "¥200,000.00" in result
    viewport_screenshot(ent, "enterprise-result-phone")
    ent.get_by_role("link", name="查看额度").click()
    assert "¥200,000.00" in ent.locator("main").inner_text()
    screenshot(ent, "enterprise-quota-phone")

    # 去下单 → 申请服务 → 提交订单, on the phone.
    ent.goto(f"{base}/catalogue/{product.pk}/")
    viewport_screenshot(ent, "product-phone")
    ent.get_by_role("link", name="去下单").click()
    field(ent, "contact_name").fill("刘女士")
    field(ent, "contact_mobile").fill("13912345678")
    field(ent, "note").fill("新品礼盒包装设计，希望 3 个月内完成。")
    assert_labelled_and_fits(ent)
    screenshot(ent, "order-new-phone")
    ent.get_by_role("button", name="提交订单").click()
    order = Order.objects.get(enterprise__name=NAME)
    ent.wait_for_url(f"{base}/orders/{order.number}/")
    assert order.number in ent.locator("main").inner_text()
    viewport_screenshot(ent, "order-placed-phone")

    # The provider accepts the order and records the contract.
    provider = desktop
    login(provider, base, "provider_design", DEMO_PASSWORD)
    provider.goto(f"{base}/orders/")
    assert order.number in provider.locator("main").inner_text()
    viewport_screenshot(provider, "provider-orders")
    provider.goto(f"{base}/orders/{order.number}/")
    provider.get_by_role("button", name="接单").click()
    provider.get_by_role("link", name="录入合同").first.click()
    contract = {
        "number": "JY-2026-0815",
        "counterparty_uscc": USCC,
        "total_amount": "100000",
        "signed_on": f"{today:%Y-%m-%d}",
        "service_start": f"{today:%Y-%m-%d}",
        "service_end": f"{today + dt.timedelta(days=90):%Y-%m-%d}",
        "deduction": "40000",
        "own_payment": "60000",
    }
    for name, value in contract.items():
        field(provider, name).fill(value)
    provider.get_by_role("button", name="录入合同（服务商确认）").click()
    assert_error_next_to(provider, "deduction", "不能超过 ¥30,000.00")
    field(provider, "deduction").fill("30000")
    field(provider, "own_payment").fill("70000")
    assert_labelled_and_fits(provider)
    screenshot(provider, "provider-contract-form")
    provider.get_by_role("button", name="录入合同（服务商确认）").click()
    provider.wait_for_url(f"{base}/contracts/{order.number}/")
    viewport_screenshot(provider, "provider-contract-recorded")

    # The annex (order number, time and product name) for the contract, as a PDF.
    provider.goto(f"{base}/contracts/{order.number}/annex/")
    assert order.number in provider.locator("main").inner_text()
    screenshot(provider, "contract-annex")
    with provider.expect_download() as download:
        provider.get_by_role("link", name="下载 PDF").click()
    with open(download.value.path(), "rb") as annex:
        assert annex.read(5) == b"%PDF-"

    # The enterprise confirms the terms, then the completion, and rates the service.
    ent.goto(f"{base}/contracts/{order.number}/")
    body = ent.locator("main").inner_text()
    assert "30,000" in body or "30000" in body
    viewport_screenshot(ent, "enterprise-contract-phone")
    ent.get_by_role("button", name="确认合同条款").click()
    ent.get_by_role("link", name="确认服务完成并评价").click()
    for criterion in ("quality", "responsiveness", "expertise", "overall"):
        ent.locator(f"[name={criterion}][value='5']").check()
    field(ent, "comment").fill("设计方案专业，沟通及时，按期交付。")
    assert_labelled_and_fits(ent)
    screenshot(ent, "enterprise-complete-rate-phone")
    ent.get_by_role("button", name="确认服务已完成并提交评价").click()
    ent.wait_for_url(f"{base}/contracts/{order.number}/")
    assert "已完成" in ent.locator("main").inner_text()

    # The rating shows on the public product page.
    ent.goto(f"{base}/catalogue/{product.pk}/")
    reviews = ent.locator("main").inner_text()
    assert "设计方案专业，沟通及时，按期交付。" in reviews
    screenshot(ent, "product-rating-phone")

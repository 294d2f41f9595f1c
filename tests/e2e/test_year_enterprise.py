"""A new enterprise signs up on a phone, classifies, orders, signs, confirms completion and rates;
the provider accepts the order and records the contract on a desktop."""

from __future__ import annotations

import datetime as dt

import pytest

from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.demo.codes import make_uscc
from voucher.demo.seed import DEMO_PASSWORD, seed_demo
from voucher.orders.models import Order
from voucher.testing.browser import (
    assert_error_next_to,
    assert_labelled_and_fits,
    field,
    login,
    screenshot,
    viewport_screenshot,
)
from voucher.testing.browser_steps import (
    accept_order,
    classify,
    confirm_and_rate,
    fill_contract,
    fill_order,
    record_contract,
    send_rating,
    sign_up_with_the_keyboard,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PRODUCT = "京韵产品外观与包装设计"  # on sale in the demo, sold by provider_design
NAME = "北京新芽文化科技有限公司"
USCC = make_uscc(777, division="110108")
PASSWORD = "Xinya-2025-voucher"


def test_enterprise_year_from_sign_up_to_a_rated_order(live_server, phone, desktop):
    seed_demo()
    product = Product.objects.get(name=PRODUCT)
    base = live_server.url
    today = clock.today()
    ent = phone

    # 注册并认证 → 划型认证 → 认证结果 with the year's 200,000 yuan available.
    sign_up_with_the_keyboard(
        ent, base, name=NAME, uscc=USCC, username="xinya", password=PASSWORD, shots=True
    )
    assert "企业认证已通过" in ent.locator("main").inner_text()
    classify(ent, industry="I6513", employees=35, revenue_wan=1200, assets_wan=800)
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
    fill_order(
        ent,
        base,
        product.pk,
        contact="刘女士",
        mobile="13912345678",
        note="新品礼盒包装设计，希望 3 个月内完成。",
    )
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
    accept_order(provider, base, order.number)
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
    fill_contract(provider, contract)
    provider.get_by_role("button", name="录入合同（服务商确认）").click()
    assert_error_next_to(provider, "deduction", "不能超过 ¥30,000.00")
    field(provider, "deduction").fill("30000")
    field(provider, "own_payment").fill("70000")
    assert_labelled_and_fits(provider)
    screenshot(provider, "provider-contract-form")
    record_contract(provider, base, order.number)
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
    confirm_and_rate(ent, base, order.number, "设计方案专业，沟通及时，按期交付。")
    assert_labelled_and_fits(ent)
    screenshot(ent, "enterprise-complete-rate-phone")
    send_rating(ent, base, order.number)

    # The rating shows on the public product page.
    ent.goto(f"{base}/catalogue/{product.pk}/")
    reviews = ent.locator("main").inner_text()
    assert "设计方案专业，沟通及时，按期交付。" in reviews
    screenshot(ent, "product-rating-phone")

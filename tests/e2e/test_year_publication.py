"""The Bureau publishes an approved product for public notice, a visitor objects, the objection is
resolved, and the product goes on sale with 20 vouchers and can be found in the catalogue."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from voucher.accounts.models import User
from voucher.applications.models import Application
from voucher.core import clock
from voucher.demo.seed import DEMO_PASSWORD, seed_demo
from voucher.reviews import services as review_services
from voucher.reviews.models import Notice
from voucher.testing.browser import (
    assert_error_next_to,
    assert_labelled_and_fits,
    field,
    login,
    screenshot,
    viewport_screenshot,
)
from voucher.testing.browser_steps import fill_notice

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PRODUCT = "智码AI辅助编程系统"  # submitted in the demo and waiting in the review queue


def test_notice_objection_and_going_on_sale(live_server, desktop, phone):
    seed_demo()
    application = Application.objects.get(product_name=PRODUCT)
    review_services.review_decide(
        actor=User.objects.get(username="reviewer1"),
        application=application,
        action="approve",
        comment="材料齐全，符合申报条件。",
    )
    base = live_server.url
    today = clock.today()
    admin = desktop

    # 发布公示: a notice that runs today only, with the newly approved product.
    login(admin, base, "admin", DEMO_PASSWORD)
    fill_notice(
        admin,
        base,
        title=f"{today.year}年度服务券配券产品公示（第二批）",
        starts_on=today,
        ends_on=today - dt.timedelta(days=1),
        product=PRODUCT,
    )
    assert_labelled_and_fits(admin)
    admin.get_by_role("button", name="发布公示").click()
    assert_error_next_to(admin, "ends_on", "公示结束日不能早于开始日")
    field(admin, "ends_on").fill(f"{today:%Y-%m-%d}")
    admin.get_by_label(PRODUCT).check()
    screenshot(admin, "admin-notice-new")
    admin.get_by_role("button", name="发布公示").click()
    notice = Notice.objects.get(title__contains="第二批")
    admin.wait_for_url(f"{base}/reviews/notices/{notice.pk}/")
    assert PRODUCT in admin.locator("main").inner_text()

    # A visitor, not logged in, reads the public notice on a phone and files an objection.
    visitor = phone
    visitor.goto(f"{base}/reviews/public/notices/")
    visitor.get_by_role("link", name=notice.title).click()
    assert "公示中" in visitor.locator("main").inner_text()
    field(visitor, "product").select_option(label=PRODUCT)
    field(visitor, "name").fill("北京某软件有限公司")
    field(visitor, "text").fill("该产品名称与我司注册商标近似，请核实。")
    visitor.get_by_role("button", name="提交异议").click()
    # The server's Chinese error sits at the empty required field; nothing is saved, nothing typed is lost.
    assert_error_next_to(visitor, "contact", "必填")
    assert Notice.objects.get(pk=notice.pk).objections.count() == 0
    assert field(visitor, "text").input_value() == "该产品名称与我司注册商标近似，请核实。"
    field(visitor, "contact").fill("13955556666")
    assert_labelled_and_fits(visitor)
    screenshot(visitor, "public-objection")
    visitor.get_by_role("button", name="提交异议").click()
    assert (
        "异议已提交" in visitor.locator("main").inner_text()
        or "已收到" in visitor.locator("main").inner_text()
    )

    # The Bureau resolves the objection; closing has to wait until the notice period is over.
    admin.reload()
    resolve = admin.locator("form[action*='/reviews/objections/']").first
    resolve.get_by_label("认定异议不成立").check()
    resolve.get_by_label("处理意见").fill("经核实，产品名称不涉及他人注册商标，异议不成立。")
    assert_labelled_and_fits(admin)
    viewport_screenshot(admin, "admin-objection-resolve")
    resolve.get_by_role("button", name="记录处理结果").click()
    body = admin.locator("main").inner_text()
    assert "异议不成立" in body and "期满后方可结束" in body

    # The notice period ends (tomorrow); the Bureau closes it and the product waits to go on sale.
    with clock.frozen_at(today + dt.timedelta(days=1)):
        review_services.notice_close(actor=User.objects.get(username="admin"), notice=notice)

    # 产品上线: 20 vouchers.
    admin.goto(f"{base}/catalogue/manage/")
    admin.get_by_role("link", name="待上线").click()
    row = admin.locator("main ul.list li", has_text=PRODUCT)
    row.get_by_label("服务券数量").fill("20")
    assert_labelled_and_fits(admin)
    viewport_screenshot(admin, "admin-put-on-sale")
    row.get_by_label("服务券数量").fill("0")
    row.get_by_role("button", name="上线").click()
    assert "服务券数量须为1至100000之间的整数" in admin.locator(".msg-error").inner_text()
    row = admin.locator("main ul.list li", has_text=PRODUCT)
    row.get_by_label("服务券数量").fill("20")
    row.get_by_role("button", name="上线").click()
    assert "已上线，服务券20张" in admin.locator(".msg-success").inner_text()
    admin.goto(f"{base}/catalogue/manage/?status=on_sale")
    assert "服务券 20/20" in admin.locator("main ul.list li", has_text=PRODUCT).inner_text()

    # Anyone finds it in the catalogue by a Chinese substring of its name.
    visitor.goto(f"{base}/catalogue/")
    field(visitor, "q").fill("辅助编程")
    visitor.get_by_role("button", name="查询").click()
    # The results are swapped in by htmx (no reload); the address follows the search.
    visitor.wait_for_url("**/catalogue/?q=*")
    results = visitor.locator("main article.card")
    expect(results).to_have_count(1)
    assert PRODUCT in results.inner_text() and "剩余服务券：20 张" in results.inner_text()
    assert_labelled_and_fits(visitor)
    screenshot(visitor, "catalogue-search-phone")

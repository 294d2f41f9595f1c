"""A provider applies for a product, is returned once, resubmits and is approved — in a real browser.

The demo year's application window is in the past, so the test first moves that window around today
(the live server reads the real clock) and prepares the provider's year-level materials through the
services; everything about the product itself happens in the browser.
"""

from __future__ import annotations

import re

import pytest

from voucher.demo.seed import DEMO_PASSWORD
from voucher.testing.browser import (
    assert_error_next_to,
    assert_labelled_and_fits,
    field,
    login,
    screenshot,
    switch_user,
    viewport_screenshot,
)
from voucher.testing.browser_steps import (
    fill_application_form,
    open_application_window,
    prepare_provider_dossier,
    review_application,
    save_application,
    send_review,
    start_application,
    submit_with_pledge,
    upload_application_materials,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PRODUCT = "京韵文创礼盒结构设计服务"


def decide(page, base_url: str, outcome: str, comment: str, shot: str) -> None:
    review_application(page, base_url, PRODUCT, outcome, comment)
    assert_labelled_and_fits(page)
    viewport_screenshot(page, shot)
    send_review(page)


def test_provider_applies_is_returned_resubmits_and_is_approved(live_server, desktop):
    open_application_window()
    prepare_provider_dossier("provider_design")
    base = live_server.url
    page = desktop

    # 新建申报: a temporary save checks nothing.
    login(page, base, "provider_design", DEMO_PASSWORD)
    application = start_application(page, base, PRODUCT, "9. 工业设计")
    assert application.get_status_display() == "待提交"
    page.goto(f"{base}/applications/{application.pk}/edit/")
    assert_labelled_and_fits(page)

    # 保存 validates everything: a wrong mobile number is reported at its own field.
    fill_application_form(page, mobile="1380013")
    page.get_by_role("button", name="保存", exact=True).click()
    assert_error_next_to(page, "contact_mobile", "手机")
    page.locator("#field-contact_mobile").scroll_into_view_if_needed()
    viewport_screenshot(page, "provider-application-error")

    field(page, "contact_mobile").fill("13911112222")
    save_application(page)

    # Materials: the Excel form downloaded from the platform, then the PDFs of the product folder.
    upload_application_materials(page, application)
    assert_labelled_and_fits(page)
    page.locator("#slot-ip_proof").scroll_into_view_if_needed()
    viewport_screenshot(page, "provider-application-materials")

    # 提交 needs the pledge; afterwards the application is locked.
    submit_with_pledge(page)
    body = page.locator("main").inner_text()
    assert "待审核" in body and "申报承诺已于" in body
    assert page.get_by_role("link", name="填写/修改申请表").count() == 0
    viewport_screenshot(page, "provider-application-submitted")
    page.goto(f"{base}/applications/{application.pk}/edit/")
    assert page.url.endswith(f"/applications/{application.pk}/")

    # The reviewer returns it with a comment.
    switch_user(page, base, "reviewer1", DEMO_PASSWORD)
    page.goto(f"{base}/reviews/")
    assert PRODUCT in page.locator("main").inner_text()
    viewport_screenshot(page, "reviewer-queue")
    decide(page, base, "退回修改", "请在价格证明中补充报价明细表。", "reviewer-decision")
    assert "退回修改" in page.locator("main").inner_text()

    # The provider sees the comment, fixes the form and resubmits.
    switch_user(page, base, "provider_design", DEMO_PASSWORD)
    page.goto(f"{base}/applications/?status=returned")
    assert PRODUCT in page.locator("main").inner_text()
    page.goto(f"{base}/applications/{application.pk}/")
    assert "请在价格证明中补充报价明细表" in page.locator(".tone-warning").inner_text()
    viewport_screenshot(page, "provider-application-returned")
    page.get_by_role("link", name="填写/修改申请表").click()
    field(page, "pricing_basis").fill("按设计工时、打样次数和交付物数量计费，报价明细见价格证明。")
    save_application(page)
    page.get_by_role("link", name="附件信息与提交").click()
    submit_with_pledge(page)

    # The reviewer approves.
    switch_user(page, base, "reviewer1", DEMO_PASSWORD)
    decide(page, base, "审核通过", "材料齐全，符合申报条件。", "reviewer-approve")
    assert "已通过" in page.locator("main").inner_text()
    application.refresh_from_db()
    assert application.status == "approved"

    switch_user(page, base, "provider_design", DEMO_PASSWORD)
    page.goto(f"{base}/applications/?status=approved")
    assert re.search(rf"{PRODUCT}\s*已通过", page.locator("main").inner_text())
    screenshot(page, "provider-applications-approved")

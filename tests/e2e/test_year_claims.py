"""兑券 in a real browser: the provider fills the claim wizard of a completed order (invoice and bank-receipt data,
a bank receipt merged from three photos, the other files as real PDFs), sees the pre-checks and submits
irreversibly; a reviewer sees the risk flags and previews and approves a reduced payout with a reason; the
provider and the enterprise see the decision."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest

from voucher.accounts.models import User
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.claims.choices import CheckOutcome, ClaimStatus, MaterialKind
from voucher.claims.models import Claim
from voucher.contracts import services as contract_services
from voucher.contracts.models import Contract
from voucher.contracts.rules import deduction_limit
from voucher.core import clock
from voucher.demo.contracts import ENTERPRISES, _provider_user
from voucher.demo.seed import DEMO_PASSWORD, seed_demo
from voucher.enterprises.models import QuotaAccount
from voucher.orders import services as order_services
from voucher.orders.choices import HOLDING_STATUSES
from voucher.orders.models import Order
from voucher.programmes.selectors import programme_current
from voucher.testing.browser import (
    assert_error_next_to,
    assert_labelled_and_fits,
    field,
    login,
    screenshot,
    switch_user,
    viewport_screenshot,
)
from voucher.testing.browser_steps import claim_files, fill_claim_data, png_upload, upload_claim_files

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

INVOICE_NUMBER = "04412025-00871236"


def completed_contract() -> Contract:
    """A demo enterprise orders a product it does not hold (10 days ago), the provider accepts and records the
    contract the next day, the enterprise confirms it and confirms the completion yesterday: all through the
    services, with dates valid for today's real date (the live server reads the real clock)."""
    programme = programme_current()
    moment = clock.now() - dt.timedelta(days=10)
    for username in ENTERPRISES:
        user = User.objects.select_related("organisation").get(username=username)
        held = Order.objects.filter(enterprise=user.organisation, status__in=HOLDING_STATUSES).values(
            "product_id"
        )
        products = (
            Product.objects.filter(programme=programme, status=ProductStatus.ON_SALE, vouchers_left__gt=0)
            .exclude(pk__in=held)
            .exclude(direction__code="marketing")
            .order_by("price_amount", "id")
        )
        for product in products:
            with clock.frozen_at(moment):
                order = order_services.order_place(
                    actor=user,
                    product=product,
                    idempotency_key=uuid.uuid4().hex,
                    contact_name="郑总",
                    contact_mobile="13800138000",
                    note="兑券流程演示订单",
                )
            provider = _provider_user(order)
            assert provider is not None
            with clock.frozen_at(moment + dt.timedelta(hours=2)):
                order = order_services.order_accept(actor=provider, order=order)
            signed = (moment + dt.timedelta(days=1)).date()
            account = QuotaAccount.objects.get(organisation_id=order.enterprise_id, programme=programme)
            end = clock.today() + dt.timedelta(days=20)
            limit = deduction_limit(
                total=order.listed_price,
                start=signed,
                end=end,
                max_months=programme.max_service_period_months,
                rate_cap=programme.subsidy_rate_cap,
                available=account.available,
                held=order.subsidy_estimate,
            )
            terms = contract_services.Terms(
                number=f"HT-E2E-{signed:%Y%m%d}",
                total_amount=order.listed_price,
                signed_on=signed,
                service_start=signed,
                service_end=end,
                deduction=limit.maximum,
            )
            with clock.frozen_at(moment + dt.timedelta(days=1)):
                contract = contract_services.contract_record(
                    actor=provider, order=order, terms=terms, counterparty_uscc=order.enterprise.uscc
                )
            with clock.frozen_at(moment + dt.timedelta(days=1, hours=3)):
                contract = contract_services.contract_confirm(actor=user, contract=contract)
            with clock.frozen_at(clock.now() - dt.timedelta(days=1)):
                return contract_services.contract_complete(actor=user, contract=contract)
    raise AssertionError("no demo enterprise can order another product")


def test_provider_claims_and_reviewer_approves_a_reduced_payout(live_server, desktop, phone):
    seed_demo()
    contract = completed_contract()
    order = contract.order
    number = order.number
    provider_user = _provider_user(order)
    enterprise_user = order.ordered_by
    signed = contract.signed_on
    base = live_server.url
    page = desktop

    # 兑券 → 可申请兑券的订单 → 申请兑券 opens the wizard at step 1.
    login(page, base, provider_user.username, DEMO_PASSWORD)
    page.goto(f"{base}/claims/")
    row = page.locator("main li", has_text=number)
    assert "兑券期限" in row.inner_text()
    row.get_by_role("button", name="申请兑券").click()
    page.wait_for_url(f"{base}/claims/{number}/data/")

    # Step 1: a bank-receipt date before the signing date is refused at its field, then a valid one.
    fill_claim_data(page, contract, INVOICE_NUMBER, signed - dt.timedelta(days=1))
    page.get_by_role("button", name="保存并继续").click()
    page.locator("main .has-error").first.wait_for()
    assert_error_next_to(page, "receipt_date", f"银行收款日期不得早于合同签订日期 {signed:%Y-%m-%d}")
    assert_labelled_and_fits(page)
    screenshot(page, "provider-claim-data-error")
    field(page, "receipt_date").fill(f"{signed + dt.timedelta(days=3):%Y-%m-%d}")
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url(f"{base}/claims/{number}/materials/")

    # Step 2: the merge tool makes one bank-receipt PDF of three photos, in the order 3, 1, 2.
    assert_labelled_and_fits(page)
    merge = page.locator("main form", has_text="合并工具")
    merge.locator("[name=kind]").select_option(MaterialKind.BANK_RECEIPT.value)
    merge.locator("[name=name]").fill("银行回单")
    merge.locator("[name=order]").fill("3,1,2")
    photos = [
        ("回单第2页.png", (250, 240, 230)),
        ("回单第3页.png", (240, 250, 240)),
        ("回单第1页.png", (230, 230, 250)),
    ]
    for position, (name, colour) in enumerate(photos, start=1):
        merge.locator(f"[name=file{position}]").set_input_files(png_upload(name, colour))
    merge.scroll_into_view_if_needed()
    screenshot(page, "provider-claim-merge")
    merge.get_by_role("button", name="合并并放入").click()
    # The merge is a background job: its page shows the progress, then the result and the way back.
    page.wait_for_url(re.compile(rf"{re.escape(base)}/tasks/jobs/\d+/$"))
    page.get_by_text("已合并 3 个文件为“银行回单.pdf”（3 页）").wait_for()
    page.get_by_role("link", name="查看结果").click()
    page.wait_for_url(f"{base}/claims/{number}/materials/")
    receipt = Claim.objects.get(order=order).materials.get(kind=MaterialKind.BANK_RECEIPT)
    assert receipt.merged_from == ["回单第1页.png", "回单第2页.png", "回单第3页.png"]
    assert receipt.page_count == 3

    # The other required files, one per typed slot; the contract PDF carries the order annex.
    upload_claim_files(page, claim_files(contract, INVOICE_NUMBER))
    slots = page.locator("main table").first.inner_text()
    assert "银行回单.pdf" in slots and "合并自 回单第1页.png、回单第2页.png、回单第3页.png" in slots
    assert "未上传" not in page.locator("main table tr", has_text="服务合同").inner_text()

    # Back at step 1, the uploaded invoice has been read: its fields are shown above the form.
    page.goto(f"{base}/claims/{number}/data/")
    reading = page.locator("main .reading")
    reading.wait_for()
    assert "PDF 文字层" in reading.inner_text() and "开票日期" in reading.inner_text()
    screenshot(page, "provider-claim-invoice-reading")
    page.goto(f"{base}/claims/{number}/materials/")

    # Step 3: the pre-checks, every one passed on the real PDFs.
    page.get_by_role("link", name="下一步：自动预检").click()
    page.wait_for_url(f"{base}/claims/{number}/checks/")
    checks = page.locator("main table").inner_text()
    for title in ("合同含系统订单编号", "合同含系统下单时间", "合同含产品名称", "必需材料齐全且可读"):
        assert title in checks
    assert "不通过" not in checks and "无法判断" not in checks
    outcomes = set(Claim.objects.get(order=order).prechecks.values_list("outcome", flat=True))
    assert outcomes == {CheckOutcome.PASS}
    screenshot(page, "provider-claim-checks")

    # Step 4: what will be sent, the explicit confirmation, the irreversible submission.
    page.get_by_role("link", name="下一步：确认提交").click()
    page.wait_for_url(f"{base}/claims/{number}/confirm/")
    summary = page.locator("main").inner_text()
    assert INVOICE_NUMBER in summary and "银行回单.pdf（3 页）" in summary
    page.get_by_role("button", name="提交兑券申请（完成服务）").click()
    assert_error_next_to(page, "confirm", "请勾选确认")
    field(page, "confirm").check()
    assert_labelled_and_fits(page)
    screenshot(page, "provider-claim-confirm")
    page.get_by_role("button", name="提交兑券申请（完成服务）").click()
    page.wait_for_url(f"{base}/claims/{number}/")
    body = page.locator("main").inner_text()
    assert "已提交待审核" in body and "提交时间" in body
    assert page.get_by_role("link", name="继续填写兑券申请").count() == 0
    viewport_screenshot(page, "provider-claim-submitted")
    # Locked: the wizard pages refuse, and the claim is no longer editable.
    for step in ("data", "materials", "confirm"):
        response = page.goto(f"{base}/claims/{number}/{step}/")
        assert response is not None and response.status in (403, 404), step
    assert Claim.objects.get(order=order).status == ClaimStatus.SUBMITTED

    # The reviewer's queue shows the claim with its pre-check summary and risk flags.
    switch_user(page, base, "reviewer1", DEMO_PASSWORD)
    page.goto(f"{base}/claims/review/")
    card = page.locator("main section", has_text=f"订单 {number}")
    assert "风险提示" in card.inner_text()
    viewport_screenshot(page, "reviewer-claim-queue")
    card.get_by_role("link", name=f"订单 {number}").click()
    page.wait_for_url(f"{base}/claims/{number}/")
    flags = page.locator("main section", has_text="风险提示")
    assert "同一企业与服务商多次交易" in flags.inner_text()
    previews = page.locator("main iframe, main details img")
    assert previews.count() == 5
    assert page.locator("main iframe[title='服务合同-双方盖章.pdf']").count() == 1
    # The previews load on demand: no file is fetched until its 预览 is opened.
    assert page.locator("main iframe[src], main details img[src]").count() == 0
    contract_frame = page.locator("main iframe[title='服务合同-双方盖章.pdf']")
    page.locator(
        "main details[data-preview]", has=page.locator("iframe[title='服务合同-双方盖章.pdf']")
    ).locator("summary").click()
    contract_frame.and_(page.locator("[src*='/preview/']")).wait_for(state="attached")
    assert page.locator("main iframe[src], main details img[src]").count() == 1
    # The top of the page: the claim, the risk flags and the pre-checks (headless Chromium has no PDF
    # viewer, so the preview frames would only show grey boxes in a full-page picture).
    viewport_screenshot(page, "reviewer-claim")

    # A reduced payout without a reason is refused at the reason field; with the reason it is approved.
    reduced = (contract.deduction - Decimal("1000")).quantize(Decimal("0.01"))
    decision = page.locator("main form", has_text="审核结论")
    decision.get_by_label("审核通过（核定兑付金额）").check()
    field(page, "payout").fill(str(reduced))
    decision.get_by_role("button", name="提交审核结论").click()
    page.locator("main .has-error").first.wait_for()
    assert_error_next_to(page, "reason", "核减兑付金额时须填写核减原因")
    assert_labelled_and_fits(page)
    field(page, "reason").scroll_into_view_if_needed()
    viewport_screenshot(page, "reviewer-claim-reason-error")
    reason = "部分设计稿未按合同交付，按实际交付核减 1,000 元。"
    field(page, "reason").fill(reason)
    assert page.locator("main [name=action][value=approve]").is_checked()
    page.get_by_role("button", name="提交审核结论").click()
    page.get_by_text("审核结论已保存").wait_for()
    claim = Claim.objects.get(order=order)
    assert claim.status == ClaimStatus.APPROVED and claim.approved_payout == reduced

    # The provider sees the decision, the payout and the reason.
    switch_user(page, base, provider_user.username, DEMO_PASSWORD)
    page.goto(f"{base}/claims/{number}/")
    body = page.locator("main").inner_text()
    assert "审核通过" in body and reason in body and f"{reduced:,.2f}" in body
    viewport_screenshot(page, "provider-claim-decided")

    # The enterprise follows its order's claim (status, payout, reason) without the reviewer's tools.
    login(phone, base, enterprise_user.username, DEMO_PASSWORD)
    phone.goto(f"{base}/claims/")
    phone.get_by_role("link", name=f"订单 {number}").click()
    phone.wait_for_url(f"{base}/claims/{number}/")
    body = phone.locator("main").inner_text()
    assert "审核通过" in body and reason in body
    assert "风险提示" not in body and "提交审核结论" not in body
    assert phone.locator("main iframe").count() == 0
    assert_labelled_and_fits(phone)
    screenshot(phone, "enterprise-claim-phone")

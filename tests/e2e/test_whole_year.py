"""The whole programme year in one browser session, across every role, with time moving forward:

provider applies → reviewer approves → the Bureau publishes the notice, closes it after the period and puts
the product on sale → a new enterprise signs up, classifies and orders on a phone → the provider accepts
and records the contract → the enterprise confirms and rates → the provider claims → the reviewer approves
→ the Bureau batches the payout, publishes the batch, approves it after its notice period, exports the
payment file and marks it paid. The ledger balances at the end.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from voucher.catalogue.models import Product
from voucher.claims.choices import ClaimStatus, MaterialKind
from voucher.claims.models import Claim
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.demo.codes import make_uscc
from voucher.demo.seed import DEMO_PASSWORD
from voucher.enterprises.models import QuotaAccount
from voucher.orders.models import Order
from voucher.payouts.models import PayoutBatch, PayoutItem
from voucher.reviews.models import Notice
from voucher.testing.browser import (
    assert_labelled_and_fits,
    field,
    login,
    screenshot,
    switch_user,
    viewport_screenshot,
)
from voucher.testing.browser_steps import (
    accept_order,
    claim_files,
    classify,
    confirm_and_rate,
    fill_application_form,
    fill_claim_data,
    fill_contract,
    fill_notice,
    fill_order,
    open_application_window,
    png_upload,
    prepare_provider_dossier,
    put_on_sale,
    record_contract,
    review_application,
    save_application,
    send_rating,
    send_review,
    sign_up_with_the_keyboard,
    start_application,
    submit_with_pledge,
    upload_application_materials,
    upload_claim_files,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PRODUCT = "京韵节庆礼盒整体设计服务"
ENTERPRISE = "北京年轮糕点有限公司"
USCC = make_uscc(778, division="110105")
PASSWORD = "Nianlun-2025-voucher"
INVOICE_NUMBER = "04412025-00990011"


def test_the_whole_year_across_roles(live_server, desktop, phone):
    open_application_window()
    prepare_provider_dossier("provider_design")
    base = live_server.url
    day0 = clock.today()

    # The provider applies for a product (申报) and submits it with the pledge.
    login(desktop, base, "provider_design", DEMO_PASSWORD)
    application = start_application(desktop, base, PRODUCT, "9. 工业设计")
    desktop.goto(f"{base}/applications/{application.pk}/edit/")
    fill_application_form(desktop, mobile="13911112222")
    save_application(desktop)
    upload_application_materials(desktop, application)
    submit_with_pledge(desktop)

    # The reviewer approves it.
    switch_user(desktop, base, "reviewer1", DEMO_PASSWORD)
    review_application(desktop, base, PRODUCT, "审核通过", "材料齐全，符合申报条件。")
    send_review(desktop)
    assert "已通过" in desktop.locator("main").inner_text()

    # The Bureau publishes the notice for five days.
    switch_user(desktop, base, "admin", DEMO_PASSWORD)
    fill_notice(
        desktop,
        base,
        title=f"{day0.year}年度服务券配券产品公示（全年流程）",
        starts_on=day0,
        ends_on=day0 + dt.timedelta(days=4),
        product=PRODUCT,
    )
    desktop.get_by_role("button", name="发布公示").click()
    notice = Notice.objects.get(title__contains="全年流程")
    desktop.wait_for_url(f"{base}/reviews/notices/{notice.pk}/")

    with clock.travel(dt.timedelta(days=5)):
        # The notice period is over: the Bureau closes it and puts the product on sale with 10 vouchers.
        desktop.reload()
        desktop.get_by_role("button", name="结束公示").click()
        put_on_sale(desktop, base, PRODUCT, 10)
        product = Product.objects.get(name=PRODUCT)

        # A new enterprise signs up on a phone, classifies and orders.
        sign_up_with_the_keyboard(
            phone, base, name=ENTERPRISE, uscc=USCC, username="nianlun", password=PASSWORD
        )
        classify(phone, industry="C1411", employees=42, revenue_wan=1800, assets_wan=900)
        phone.get_by_role("button", name="提交划型").click()
        phone.wait_for_url(f"{base}/enterprise/result/")
        assert "¥200,000.00" in phone.locator("main").inner_text()
        fill_order(phone, base, product.pk, contact="高女士", mobile="13912340000", note="中秋礼盒整体设计。")
        phone.get_by_role("button", name="提交订单").click()
        order = Order.objects.get(enterprise__name=ENTERPRISE)
        phone.wait_for_url(f"{base}/orders/{order.number}/")
        product.refresh_from_db()
        assert product.vouchers_left == 9

        # The provider accepts and records the contract: 80,000 yuan, the maximum 24,000 deduction.
        signed = clock.today()
        switch_user(desktop, base, "provider_design", DEMO_PASSWORD)
        accept_order(desktop, base, order.number)
        fill_contract(
            desktop,
            {
                "number": "JY-YEAR-0001",
                "counterparty_uscc": USCC,
                "total_amount": "80000",
                "signed_on": f"{signed:%Y-%m-%d}",
                "service_start": f"{signed:%Y-%m-%d}",
                "service_end": f"{signed + dt.timedelta(days=60):%Y-%m-%d}",
                "deduction": "24000",
                "own_payment": "56000",
            },
        )
        record_contract(desktop, base, order.number)

        # The enterprise confirms the terms, the completion, and rates the service.
        confirm_and_rate(phone, base, order.number, "礼盒设计新颖，交付准时。")
        send_rating(phone, base, order.number)

    with clock.travel(dt.timedelta(days=12)):
        # The provider claims: data, files (the bank receipt as a photo), pre-checks, irreversible submission.
        contract = Contract.objects.get(order=order)
        desktop.goto(f"{base}/claims/")
        desktop.locator("main li", has_text=order.number).get_by_role("button", name="申请兑券").click()
        desktop.wait_for_url(f"{base}/claims/{order.number}/data/")
        fill_claim_data(desktop, contract, INVOICE_NUMBER, contract.signed_on + dt.timedelta(days=3))
        desktop.get_by_role("button", name="保存并继续").click()
        desktop.wait_for_url(f"{base}/claims/{order.number}/materials/")
        files = claim_files(contract, INVOICE_NUMBER)
        files.append((MaterialKind.BANK_RECEIPT, png_upload("银行回单.png", (230, 230, 250))))
        upload_claim_files(desktop, files)
        desktop.get_by_role("link", name="下一步：自动预检").click()
        assert "不通过" not in desktop.locator("main table").inner_text()
        desktop.get_by_role("link", name="下一步：确认提交").click()
        field(desktop, "confirm").check()
        desktop.get_by_role("button", name="提交兑券申请（完成服务）").click()
        desktop.wait_for_url(f"{base}/claims/{order.number}/")

        # The reviewer approves the full deduction.
        switch_user(desktop, base, "reviewer2", DEMO_PASSWORD)
        desktop.goto(f"{base}/claims/{order.number}/")
        decision = desktop.locator("main form", has_text="审核结论")
        decision.get_by_label("审核通过（核定兑付金额）").check()
        field(desktop, "payout").fill("24000")
        desktop.get_by_role("button", name="提交审核结论").click()
        desktop.get_by_text("审核结论已保存").wait_for()
        claim = Claim.objects.get(order=order)
        assert claim.status == ClaimStatus.APPROVED and claim.approved_payout == Decimal("24000.00")

        # Approved, not yet paid: the payout stays committed on the enterprise's quota.
        account = QuotaAccount.objects.get(organisation__name=ENTERPRISE)
        assert (account.reserved, account.committed, account.paid) == (0, Decimal("24000.00"), 0)

        # The provider records the bank account the Bureau pays into.
        switch_user(desktop, base, "provider_design", DEMO_PASSWORD)
        desktop.goto(f"{base}/payouts/payee/")
        field(desktop, "bank_name").fill("中国工商银行北京海淀支行")
        field(desktop, "account_number").fill("0200001234567890123")
        desktop.get_by_role("button", name="保存").click()

        # The Bureau batches the approved claim and publishes the batch for its notice period.
        switch_user(desktop, base, "admin", DEMO_PASSWORD)
        desktop.goto(f"{base}/payouts/batches/new/")
        field(desktop, "title").fill("全年流程兑付批次")
        desktop.get_by_role("button", name="预览").click()
        assert "1 笔，合计 24,000.00 元" in desktop.locator("main").inner_text()
        assert_labelled_and_fits(desktop)
        desktop.get_by_role("button", name="创建批次（草稿）").click()
        batch = PayoutBatch.objects.get(title="全年流程兑付批次")
        desktop.wait_for_url(f"{base}/payouts/batches/{batch.pk}/")
        desktop.get_by_role("button", name="发布公示").click()
        assert "公示期" in desktop.locator("main").inner_text()

        # A member of the public objects on a phone; the Bureau checks and dismisses the objection.
        phone.context.clear_cookies()
        phone.goto(f"{base}/payouts/public/")
        phone.get_by_role("link", name="全年流程兑付批次").click()
        phone.get_by_label(f"北京京韵工业设计有限公司 · {PRODUCT} · {ENTERPRISE} · ¥24,000.00").check()
        field(phone, "name").fill("北京某包装有限公司")
        field(phone, "contact").fill("13955557777")
        field(phone, "text").fill("该服务是否实际交付，请核实。")
        assert_labelled_and_fits(phone)
        viewport_screenshot(phone, "public-payout-objection-phone")
        phone.get_by_role("button", name="提交异议").click()
        phone.get_by_text("异议").first.wait_for()
        assert PayoutItem.objects.get(batch=batch).status == "blocked"
        desktop.reload()
        resolve = desktop.locator("form[action*='/payouts/objections/']").first
        resolve.get_by_label("认定异议不成立").check()
        resolve.get_by_label("处理意见").fill("经核实，企业已确认服务完成并评价，交付材料齐全，异议不成立。")
        resolve.get_by_role("button", name="记录处理结果").click()
        assert PayoutItem.objects.get(batch=batch).status == "pending"
        viewport_screenshot(desktop, "admin-payout-batch-noticed")

    with clock.travel(dt.timedelta(days=12 + 10)):
        # After the notice period: approve, export the payment file, and mark the batch paid.
        desktop.reload()
        desktop.get_by_role("button", name="批准拨付").click()
        desktop.get_by_role("button", name="导出支付文件（Excel）").click()  # a background job with progress
        with desktop.expect_download() as download:
            desktop.get_by_role("link", name="下载文件").click()
        with open(download.value.path(), "rb") as payment_file:
            sheet = openpyxl.load_workbook(io.BytesIO(payment_file.read())).active
        cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert order.number in cells and "0200001234567890123" in cells
        assert any(c in {"24000", "24000.00", "24000.0"} for c in cells), cells
        desktop.go_back()
        desktop.reload()
        pay_all = desktop.locator("form[action$='/paid/']", has_text="全部未支付明细登记为已支付")
        pay_all.get_by_label("支付流水号").fill("ICBC-PAY-000123")
        pay_all.get_by_label("支付日期").fill(f"{clock.today():%Y-%m-%d}")
        pay_all.get_by_role("button", name="全部未支付明细登记为已支付").click()
        batch.refresh_from_db()
        assert batch.status == "paid"
        screenshot(desktop, "admin-payout-batch-paid")

        # The enterprise sees its subsidy paid.
        login(phone, base, "nianlun", PASSWORD)
        phone.goto(f"{base}/payouts/")
        assert "已支付" in phone.locator("main").inner_text()

    account = QuotaAccount.objects.get(organisation__name=ENTERPRISE)
    assert (account.reserved, account.committed, account.paid) == (0, 0, Decimal("24000.00"))
    assert account.available == account.cap - Decimal("24000.00")
    call_command("ledger_check")

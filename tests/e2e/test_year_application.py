"""A provider applies for a product, is returned once, resubmits and is approved — in a real browser.

The demo year's application window is in the past, so the test first moves that window around today
(the live server reads the real clock) and prepares the provider's year-level materials through the
services; everything about the product itself happens in the browser.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.e2e.conftest import (
    assert_error_next_to,
    assert_labelled_and_fits,
    field,
    login,
    pdf_file,
    screenshot,
    switch_user,
    tiny_pdf,
    viewport_screenshot,
)
from voucher.accounts.models import User
from voucher.applications import services as application_services
from voucher.applications.choices import MaterialKind
from voucher.applications.models import Application
from voucher.core import clock
from voucher.demo.seed import DEMO_PASSWORD, seed_people
from voucher.programmes.selectors import programme_current
from voucher.programmes.services import programme_year_update

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PRODUCT = "京韵文创礼盒结构设计服务"
PROVIDER_FILES = [
    MaterialKind.LICENCE,
    MaterialKind.PREMISES,
    MaterialKind.CREDIT_REPORT,
    MaterialKind.SOCIAL_INSURANCE,
    MaterialKind.FINANCIALS,
    MaterialKind.SME_CONTRACTS,
]
PRODUCT_FILES = [
    (MaterialKind.FORM_SCAN, "申请表盖章扫描件.pdf"),
    (MaterialKind.PRICE_PROOF, "价格证明.pdf"),
    (MaterialKind.REVENUE_METHOD, "营收测算说明.pdf"),
    (MaterialKind.CLIENT_LIST, "签约企业名单.pdf"),
    (MaterialKind.IP_PROOF, "知识产权证明.pdf"),
]


def open_application_window() -> None:
    """Demo people and programme, with an application window that includes today's real date."""
    seed_people()
    admin = User.objects.get(username="admin")
    today = clock.today()
    programme_year_update(
        actor=admin,
        programme=programme_current(),
        application_opens_on=today - dt.timedelta(days=10),
        application_closes_on=today + dt.timedelta(days=10),
        review_deadline=today + dt.timedelta(days=20),
    )


def prepare_provider_dossier(username: str) -> None:
    """The provider's year-level 申报资料 (introduction, revenue, last year's contracts and their scans)."""
    user = User.objects.get(username=username)
    organisation = user.organisation
    programme = programme_current()
    last_year = programme.year - 1
    application_services.dossier_update(
        actor=user,
        organisation=organisation,
        programme=programme,
        data={
            "introduction": ("本公司专注为北京市中小企业提供工业设计服务。" * 200)[
                : programme.provider_intro_min_chars + 50
            ],
            "revenue_last_year_wan": "1500",
            "sme_contracts": [
                {
                    "enterprise": f"北京设计客户{i + 1}有限公司",
                    "signed_on": f"{last_year}-{i % 12 + 1:02d}-15",
                }
                for i in range(programme.provider_min_beijing_sme_contracts)
            ],
        },
    )
    for kind in PROVIDER_FILES:
        application_services.material_upload(
            actor=user,
            organisation=organisation,
            programme=programme,
            kind=kind,
            file=SimpleUploadedFile(f"{kind}.pdf", tiny_pdf(kind)),
        )


def price_lines(today: dt.date, count: int) -> str:
    """``count`` recent deals around the listed price of 80000 (the average must not be below it)."""
    return "\n".join(
        f"{today - dt.timedelta(days=15 * (i + 1)):%Y-%m-%d} {80000 + 500 * i}" for i in range(count)
    )


def decide(page, base_url: str, outcome: str, comment: str, shot: str) -> None:
    page.goto(f"{base_url}/reviews/")
    page.get_by_role("link", name=PRODUCT).click()
    page.get_by_label(outcome).check()
    page.get_by_label("审核意见").fill(comment)
    assert_labelled_and_fits(page)
    viewport_screenshot(page, shot)
    page.get_by_role("button", name="提交审核结果").click()


def submit_with_pledge(page) -> None:
    page.get_by_label("我已阅读并接受以上承诺").check()
    page.locator("form[action$='/submit/']").get_by_role("button", name="提交").click()
    assert "申报已提交，等待审核" in page.locator("main").inner_text()


def test_provider_applies_is_returned_resubmits_and_is_approved(live_server, desktop):
    open_application_window()
    prepare_provider_dossier("provider_design")
    programme = programme_current()
    base = live_server.url
    page = desktop

    # 新建申报: a temporary save checks nothing.
    login(page, base, "provider_design", DEMO_PASSWORD)
    page.goto(f"{base}/applications/")
    page.get_by_role("link", name="新建申报").click()
    field(page, "direction").select_option(label="9. 工业设计")
    field(page, "product_name").fill(PRODUCT)
    assert_labelled_and_fits(page)
    page.get_by_role("button", name="临时保存").click()
    assert "已临时保存（未校验）" in page.locator("main").inner_text()
    application = Application.objects.get(product_name=PRODUCT)
    assert application.get_status_display() == "待提交"

    # 保存 validates everything: a wrong mobile number is reported at its own field.
    field(page, "summary").fill(
        "为食品、文创企业提供礼盒结构、包装外观与打样设计，按项目交付设计稿与打样文件。"
    )
    field(page, "price_amount").fill("80000")
    field(page, "price_unit").fill("项")
    field(page, "pricing_basis").fill("按设计工时、打样次数和交付物数量计费。")
    field(page, "client_count").fill("18")
    field(page, "revenue_wan").fill("260")
    page.get_by_label("知识产权").check()
    page.get_by_label("售后服务").check()
    field(page, "market_share").fill("无法统计")
    field(page, "contact_mobile").fill("1380013")
    field(page, "price_transactions").fill(price_lines(clock.today(), programme.price_proof_sets))
    page.get_by_role("button", name="保存", exact=True).click()
    assert_error_next_to(page, "contact_mobile", "手机")
    page.locator("#field-contact_mobile").scroll_into_view_if_needed()
    viewport_screenshot(page, "provider-application-error")

    field(page, "contact_mobile").fill("13911112222")
    page.get_by_role("button", name="保存", exact=True).click()
    assert "已保存，并通过全量校验" in page.locator("main").inner_text()
    assert page.locator("main .error").count() == 0

    # Materials: the Excel form downloaded from the platform, then the PDFs of the product folder.
    page.get_by_role("link", name="附件信息与提交").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载Excel模板").click()
    workbook = download.value.path()
    upload = page.locator("form[action$='/upload/']")
    upload.get_by_label("材料类型").select_option(MaterialKind.FORM_EXCEL)
    upload.get_by_label("文件").set_input_files(
        {
            "name": f"{application.folder_name}.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": open(workbook, "rb").read(),  # noqa: SIM115
        }
    )
    upload.get_by_role("button", name="上传").click()
    assert "材料已上传" in page.locator("main").inner_text()
    for kind, name in PRODUCT_FILES:
        upload = page.locator("form[action$='/upload/']")
        upload.get_by_label("材料类型").select_option(kind)
        upload.get_by_label("文件").set_input_files(pdf_file(name))
        upload.get_by_role("button", name="上传").click()
        assert "材料已上传" in page.locator("main").inner_text(), name
        assert name in page.locator(f"#slot-{kind}").inner_text()
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
    page.get_by_role("button", name="保存", exact=True).click()
    assert "已保存，并通过全量校验" in page.locator("main").inner_text()
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

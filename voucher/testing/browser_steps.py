"""Steps of the programme year as a user performs them in the browser, shared by the browser tests.

Each step drives the pages the way the role's guide describes; checks of refusals and screenshots stay
in the tests that are about them.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from voucher.accounts.models import User
from voucher.applications import services as application_services
from voucher.applications.choices import MaterialKind as ApplicationMaterial
from voucher.applications.models import Application
from voucher.claims.choices import MaterialKind as ClaimMaterial
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.demo.codes import make_uscc
from voucher.demo.seed import seed_people
from voucher.programmes.selectors import programme_current
from voucher.programmes.services import programme_year_update
from voucher.testing.applications import PROVIDER_REQUIRED, upload_materials
from voucher.testing.browser import (
    assert_error_next_to,
    assert_labelled_and_fits,
    field,
    pdf_file,
    screenshot,
    tiny_pdf,
    viewport_screenshot,
)
from voucher.testing.files import make_pdf
from voucher.testing.invoices import Sample, invoice_pdf

PRODUCT_FILES = [
    (ApplicationMaterial.FORM_SCAN, "申请表盖章扫描件.pdf"),
    (ApplicationMaterial.PRICE_PROOF, "价格证明.pdf"),
    (ApplicationMaterial.REVENUE_METHOD, "营收测算说明.pdf"),
    (ApplicationMaterial.CLIENT_LIST, "签约企业名单.pdf"),
    (ApplicationMaterial.IP_PROOF, "知识产权证明.pdf"),
]


# --- files ---------------------------------------------------------------------------------------


def pdf_upload(name: str, lines: list[str]) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": make_pdf(lines)}


def png_upload(name: str, colour: tuple[int, int, int]) -> dict[str, object]:
    """A small photo-like PNG (a coloured page with a dark band standing for the printed text)."""
    image = Image.new("RGB", (300, 420), colour)
    image.paste((40, 40, 40), (30, 60, 270, 80))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


# --- provider applications (P) -------------------------------------------------------------------


def open_application_window() -> None:
    """Demo people and programme, with an application window that includes today's real date."""
    seed_people()
    admin = User.objects.get(username="admin")
    today = clock.today()
    programme = programme_current()
    assert programme is not None
    programme_year_update(
        actor=admin,
        programme=programme,
        application_opens_on=today - dt.timedelta(days=10),
        application_closes_on=today + dt.timedelta(days=10),
        review_deadline=today + dt.timedelta(days=20),
    )


def prepare_provider_dossier(username: str) -> None:
    """The provider's year-level 申报资料 (introduction, revenue, last year's contracts and their scans)."""
    user = User.objects.get(username=username)
    organisation = user.organisation
    programme = programme_current()
    assert organisation is not None and programme is not None
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
    upload_materials(
        user,
        programme,
        PROVIDER_REQUIRED,
        organisation=organisation,
        make_file=lambda kind: SimpleUploadedFile(f"{kind}.pdf", tiny_pdf(kind)),
    )


def price_lines(today: dt.date, count: int) -> str:
    """``count`` recent deals around the listed price of 80000 (the average must not be below it)."""
    return "\n".join(
        f"{today - dt.timedelta(days=15 * (i + 1)):%Y-%m-%d} {80000 + 500 * i}" for i in range(count)
    )


def start_application(page, base: str, product: str, direction: str) -> Application:
    """我的申报 → 新建申报 → 临时保存 with the direction and the product name only."""
    page.goto(f"{base}/applications/")
    page.get_by_role("link", name="新建申报").click()
    field(page, "direction").select_option(label=direction)
    field(page, "product_name").fill(product)
    page.get_by_role("button", name="临时保存").click()
    assert "已临时保存（未校验）" in page.locator("main").inner_text()
    return Application.objects.get(product_name=product)


def fill_application_form(page, *, mobile: str) -> None:
    """Every field of the application form for an 80,000-yuan design product (not yet saved)."""
    programme = programme_current()
    assert programme is not None
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
    field(page, "contact_mobile").fill(mobile)
    field(page, "price_transactions").fill(price_lines(clock.today(), programme.price_proof_sets))


def save_application(page) -> None:
    page.get_by_role("button", name="保存", exact=True).click()
    assert "已保存，并通过全量校验" in page.locator("main").inner_text()
    assert page.locator("main .error").count() == 0


def upload_application_materials(page, application: Application) -> None:
    """附件信息与提交: the Excel form downloaded from the platform, then the PDFs of the product folder."""
    page.get_by_role("link", name="附件信息与提交").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载Excel模板").click()
    with open(download.value.path(), "rb") as workbook:
        content = workbook.read()
    upload = page.locator("form[action$='/upload/']")
    upload.get_by_label("材料类型").select_option(ApplicationMaterial.FORM_EXCEL)
    upload.get_by_label("文件").set_input_files(
        {
            "name": f"{application.folder_name}.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": content,
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


def submit_with_pledge(page) -> None:
    page.get_by_label("我已阅读并接受以上承诺").check()
    page.locator("form[action$='/submit/']").get_by_role("button", name="提交").click()
    assert "申报已提交，等待审核" in page.locator("main").inner_text()


def review_application(page, base: str, product: str, outcome: str, comment: str) -> None:
    """The reviewer opens the application from the queue and records a decision with a comment."""
    page.goto(f"{base}/reviews/")
    page.get_by_role("link", name=product).click()
    page.get_by_label(outcome).check()
    page.get_by_label("审核意见").fill(comment)


def send_review(page) -> None:
    page.get_by_role("button", name="提交审核结果").click()


# --- claims (R) ----------------------------------------------------------------------------------


def invoice_upload(contract: Contract, invoice_number: str) -> dict[str, object]:
    """The PDF rendering of a 数电票 that matches the contract: its enterprise buys, its provider sells."""
    sample = Sample(
        number=invoice_number,
        issued=f"{contract.signed_on + dt.timedelta(days=1):%Y-%m-%d} 09:30:00",
        seller_name=contract.provider.name,
        seller_id=contract.provider.uscc or "",
        buyer_name=contract.enterprise.name,
        buyer_id=contract.enterprise.uscc or "",
        items=(f"*信息技术服务*{contract.order.product.name}",),
        total=str(contract.total_amount),
    )
    return {"name": "发票.pdf", "mimeType": "application/pdf", "buffer": invoice_pdf(sample)}


def claim_files(contract: Contract, invoice_number: str) -> list[tuple[str, dict[str, object]]]:
    """The required claim files besides the bank receipt; the contract PDF carries the order annex."""
    order = contract.order
    ordered = clock.local(order.ordered_at)
    return [
        (
            ClaimMaterial.PLEDGE,
            pdf_upload("划型及用券承诺.pdf", ["中小微企业划型及用券承诺", contract.enterprise.name]),
        ),
        (ClaimMaterial.INVOICE, invoice_upload(contract, invoice_number)),
        (ClaimMaterial.INVOICE_VERIFICATION, png_upload("发票查验结果.png", (235, 245, 235))),
        (
            ClaimMaterial.CONTRACT,
            pdf_upload(
                "服务合同-双方盖章.pdf",
                [
                    f"服务合同（{contract.number}）",
                    f"甲方：{contract.enterprise.name}    乙方：{contract.provider.name}",
                    "附表：服务券订单信息",
                    f"系统订单编号：{order.number}",
                    f"系统下单时间：{ordered:%Y-%m-%d %H:%M}",
                    f"产品名称：{order.product.name}",
                    "甲方（盖章）            乙方（盖章）",
                ],
            ),
        ),
    ]


def upload_claim_files(page, files: list[tuple[str, dict[str, object]]]) -> None:
    """Step 2 of the claim wizard: one file per typed slot."""
    upload = page.locator("main form", has_text="上传文件")
    for kind, file in files:
        upload.locator("[name=kind]").select_option(str(kind))
        upload.locator("[name=file]").set_input_files(file)
        upload.get_by_role("button", name="上传").click()
        page.get_by_text(f"已上传“{file['name']}”").wait_for()


def fill_claim_data(page, contract: Contract, invoice_number: str, receipt_date: dt.date) -> None:
    """Step 1 of the claim wizard: invoice and bank-receipt data (not yet saved)."""
    field(page, "invoice_number").fill(invoice_number)
    field(page, "invoice_date").fill(f"{contract.signed_on + dt.timedelta(days=2):%Y-%m-%d}")
    field(page, "invoice_amount").fill(str(contract.total_amount))
    field(page, "receipt_date").fill(f"{receipt_date:%Y-%m-%d}")
    field(page, "receipt_amount").fill(str(contract.own_payment))


# --- notice and sale (V3, V4) --------------------------------------------------------------------


def fill_notice(page, base: str, *, title: str, starts_on: dt.date, ends_on: dt.date, product: str) -> None:
    """公示管理 → 发布公示, filled for one product (not yet sent)."""
    page.goto(f"{base}/reviews/notices/")
    page.get_by_role("link", name="发布公示").click()
    field(page, "title").fill(title)
    field(page, "starts_on").fill(f"{starts_on:%Y-%m-%d}")
    field(page, "ends_on").fill(f"{ends_on:%Y-%m-%d}")
    page.get_by_label(product).check()


def put_on_sale(page, base: str, product: str, quantity: int) -> None:
    """产品上线: the product waiting to go on sale gets its number of vouchers."""
    page.goto(f"{base}/catalogue/manage/")
    page.get_by_role("link", name="待上线").click()
    row = page.locator("main ul.list li", has_text=product)
    row.get_by_label("服务券数量").fill(str(quantity))
    row.get_by_role("button", name="上线").click()
    assert f"已上线，服务券{quantity}张" in page.locator(".msg-success").inner_text()


# --- enterprises, orders and contracts (E, O, C) -------------------------------------------------


def tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the control called ``name`` has the focus (it must be reachable by keyboard)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.name") == name:
            return
    raise AssertionError(f"{name} cannot be reached with the Tab key")


def sign_up_with_the_keyboard(
    page, base: str, *, name: str, uscc: str, username: str, password: str, shots: bool = False
) -> None:
    """The sign-up form, filled and sent with Tab and Enter only; a Shanghai code is refused at its field."""
    page.goto(f"{base}/enterprise/signup/")
    assert_labelled_and_fits(page)
    if shots:
        screenshot(page, "enterprise-signup-phone")
    values = [
        ("name", name),
        ("uscc", make_uscc(777, division="310104")),
        ("registered_address", "北京市海淀区中关村大街1号"),
        ("contact_name", "刘女士"),
        ("contact_phone", "13912345678"),
        ("username", username),
        ("password", password),
        ("password_again", password),
    ]
    tab_to(page, "name")
    for index, (control, value) in enumerate(values):
        if index:
            page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.name") == control
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    page.locator("main .has-error").first.wait_for()
    assert_error_next_to(page, "uscc", "北京")
    if shots:
        viewport_screenshot(page, "enterprise-signup-error-phone")

    field(page, "uscc").fill(uscc)
    field(page, "password").fill(password)
    field(page, "password_again").fill(password)
    field(page, "password_again").press("Enter")
    page.wait_for_url(f"{base}/enterprise/classify/")


def classify(page, *, industry: str, employees: int, revenue_wan: int, assets_wan: int) -> None:
    """划型认证 with the year's figures and the pledge ticked (not yet sent)."""
    field(page, "industry_code").fill(industry)
    field(page, "employees").fill(str(employees))
    field(page, "revenue_wan").fill(str(revenue_wan))
    field(page, "assets_wan").fill(str(assets_wan))
    page.get_by_label("我承诺以上数据真实").check()


def fill_order(page, base: str, product_id: int, *, contact: str, mobile: str, note: str) -> None:
    """产品详情 → 去下单 → 申请服务, filled (not yet sent)."""
    page.goto(f"{base}/catalogue/{product_id}/")
    page.get_by_role("link", name="去下单").click()
    field(page, "contact_name").fill(contact)
    field(page, "contact_mobile").fill(mobile)
    field(page, "note").fill(note)


def accept_order(page, base: str, number: str) -> None:
    page.goto(f"{base}/orders/{number}/")
    page.get_by_role("button", name="接单").click()
    page.get_by_role("link", name="录入合同").first.click()


def fill_contract(page, terms: dict[str, str]) -> None:
    for name, value in terms.items():
        field(page, name).fill(value)


def record_contract(page, base: str, number: str) -> None:
    """Submit the contract form from the keyboard (the button focused, Enter)."""
    page.get_by_role("button", name="录入合同（服务商确认）").press("Enter")
    page.wait_for_url(f"{base}/contracts/{number}/")


def confirm_and_rate(page, base: str, number: str, comment: str) -> None:
    """The enterprise confirms the contract terms, then the completion with four 5-star scores."""
    page.goto(f"{base}/contracts/{number}/")
    page.get_by_role("button", name="确认合同条款").click()
    page.get_by_role("link", name="确认服务完成并评价").click()
    for criterion in ("quality", "responsiveness", "expertise", "overall"):
        page.locator(f"[name={criterion}][value='5']").check()
    field(page, "comment").fill(comment)


def send_rating(page, base: str, number: str) -> None:
    page.get_by_role("button", name="确认服务已完成并提交评价").click()
    page.wait_for_url(f"{base}/contracts/{number}/")
    assert "已完成" in page.locator("main").inner_text()

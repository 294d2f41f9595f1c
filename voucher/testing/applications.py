"""Helpers for application tests: uploaded files, a valid form, a provider with its materials, a ready-to-submit
application."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from voucher.applications import services
from voucher.applications.choices import SLOTS, MaterialKind, MaterialScope
from voucher.applications.excel import FORM_SHEET, build_template
from voucher.applications.models import Application
from voucher.applications.samples import tiny_pdf, tiny_png
from voucher.core.clock import frozen_at

IN_WINDOW = dt.date(2025, 5, 6)  # inside 2025-04-28 … 2025-05-16
# The slots submission needs (SPEC P5): the provider's own, and the product's besides the Excel form.
PROVIDER_REQUIRED = [s.kind for s in SLOTS.values() if s.required and s.scope == MaterialScope.PROVIDER]
PRODUCT_REQUIRED = [
    s.kind
    for s in SLOTS.values()
    if s.required and s.scope != MaterialScope.PROVIDER and s.kind != MaterialKind.FORM_EXCEL
]


def pdf_file(name: str = "材料.pdf", text: str = "doc") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")


def png_file(name: str = "截图.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_png(), content_type="image/png")


def upload_materials(
    user: Any,
    programme: Any,
    kinds: Sequence[str],
    *,
    organisation: Any = None,
    application: Application | None = None,
    name: str | None = None,
    make_file: Callable[[str], Any] | None = None,
) -> None:
    """Upload one file into each slot of ``kinds`` through the service: the provider's own slots, or the
    ``application``'s; ``make_file(kind)`` gives the file (default: a small PDF called ``name`` or after the slot)."""
    for kind in kinds:
        services.material_upload(
            actor=user,
            organisation=organisation or (application.organisation if application else user.organisation),
            programme=programme,
            kind=kind,
            file=make_file(kind) if make_file else pdf_file(name or f"{kind}.pdf"),
            application=application,
        )


def valid_data(organisation: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "direction": "9",
        "product_name": "京韵外观设计服务",
        "provider_name": organisation.name,
        "summary": "为中小企业提供产品外观、结构与包装设计。",
        "price_amount": "100000",
        "price_unit": "年",
        "pricing_basis": "按设计工作量和人工成本收费。",
        "client_count": "20",
        "revenue_wan": "300",
        "has_ip": True,
        "market_share": "无法统计",
        "high_growth_count": "3",
        "contact_name": "李四",
        "contact_mobile": "13912345678",
        "price_transactions": [
            {"transacted_on": dt.date(2025, 1, 10), "amount": "100000"},
            {"transacted_on": dt.date(2025, 2, 10), "amount": "110000"},
            {"transacted_on": dt.date(2025, 3, 10), "amount": "90000"},
            {"transacted_on": dt.date(2025, 4, 10), "amount": "100000"},
            {"transacted_on": dt.date(2025, 4, 20), "amount": "100000"},
        ],
    }
    data.update(overrides)
    return data


def prepare_provider(
    user: Any,
    programme: Any,
    *,
    contracts: int = 15,
    revenue_wan: str = "900",
    qualifications: list[str] | None = None,
    qualification_file: bool | None = None,
) -> None:
    """Profile, dossier and provider-level files of a provider meeting every threshold."""
    organisation = user.organisation
    organisation.established_on = dt.date(2015, 3, 1)
    organisation.save()
    with frozen_at(IN_WINDOW):
        services.dossier_update(
            actor=user,
            organisation=organisation,
            programme=programme,
            data={
                "introduction": "介" * programme.provider_intro_min_chars,
                "revenue_last_year_wan": revenue_wan,
                "sme_contracts": [
                    {"enterprise": f"北京客户{i}有限公司", "signed_on": f"2024-0{1 + i % 9}-15"}
                    for i in range(contracts)
                ],
                "qualifications": qualifications or [],
            },
        )
        upload_materials(user, programme, PROVIDER_REQUIRED, organisation=organisation)
        if qualification_file if qualification_file is not None else bool(qualifications):
            upload_materials(
                user, programme, [MaterialKind.QUALIFICATIONS], organisation=organisation, name="资质证书.pdf"
            )


def attach_product_files(user: Any, application: Application) -> None:
    programme = application.programme
    with frozen_at(IN_WINDOW):
        upload_materials(user, programme, PRODUCT_REQUIRED, application=application)
        if (application.high_growth_count or 0) > 0:
            upload_materials(
                user, programme, [MaterialKind.HIGH_GROWTH_LIST], application=application, name="名单.pdf"
            )
        workbook = SimpleUploadedFile("申请表.xlsx", build_template(application))
        upload_materials(
            user,
            programme,
            [MaterialKind.FORM_EXCEL],
            application=application,
            make_file=lambda _kind: workbook,
        )


def ready_application(user: Any, programme: Any, *, prepare: bool = True, **overrides: Any) -> Application:
    """A saved, complete application with every required file, ready for 提交."""
    if prepare:
        prepare_provider(user, programme)
    with frozen_at(IN_WINDOW):
        application = services.application_create(
            actor=user, programme=programme, data=valid_data(user.organisation, **overrides), full_check=True
        )
    attach_product_files(user, application)
    application.refresh_from_db()
    return application


def submit(user: Any, application: Application, day: dt.date = IN_WINDOW) -> Application:
    with frozen_at(day):
        return services.application_submit(actor=user, application=application, pledge_accepted=True)


def filled_workbook(application, organisation, **changes):
    """The downloaded template filled with valid values, then ``changes`` by row label prefix."""
    workbook = load_workbook(io.BytesIO(build_template(application)))
    sheet = workbook[FORM_SHEET]
    values = {
        "服务产品所属类别": "工业设计",
        "服务产品名称": "外观设计服务",
        "服务商名称": organisation.name,
        "服务产品简介": "外观与包装设计。",
        "日常销售/实际成交价格": "100000元/年",
        "定价依据": "按工作量收费",
        "2024年度该产品在北京地区签约企业家数": 20,
        "2024年度该产品在北京地区营收": 300,
        "具备知识产权或销售资质/售后情况": "知识产权、售后服务",
        "大模型产品在网信办备案情况：模型名称": "不涉及",
        "大模型产品在网信办备案情况：备案单位": "不涉及",
        "大模型产品在网信办备案情况：备案号": "不涉及",
        "该产品市场份额占比": "6%",
        "申报联系人": "王五",
        "联系人手机号码": "13700001111",
    }
    values.update(changes)
    for row in sheet.iter_rows(min_row=2):
        label = str(row[0].value or "").lstrip("＊")
        for prefix, value in values.items():
            if label.startswith(prefix):
                row[1].value = value
    return workbook


def as_upload(workbook, name="申请表.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())

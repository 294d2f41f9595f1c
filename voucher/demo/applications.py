"""Demo product applications in every status, created through the application services.

The clock is moved into the demo programme year's application window (see ``demo_year_dates``) so the
real submission rules — window, pledge, required materials, checks — run as in production.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from voucher.accounts.models import User
from voucher.applications import services
from voucher.applications.choices import PRODUCT_KINDS, SLOTS, MaterialKind
from voucher.applications.excel import build_template
from voucher.applications.models import Application, Material
from voucher.applications.samples import tiny_pdf, tiny_png
from voucher.core import clock
from voucher.programmes.models import ProgrammeYear
from voucher.programmes.selectors import programme_current

PROVIDER_FILES = [
    MaterialKind.INTRODUCTION,
    MaterialKind.LICENCE,
    MaterialKind.PREMISES,
    MaterialKind.CREDIT_REPORT,
    MaterialKind.SOCIAL_INSURANCE,
    MaterialKind.FINANCIALS,
    MaterialKind.SME_CONTRACTS,
    MaterialKind.QUALIFICATIONS,
]

# (provider username, final status, form values)
PRODUCTS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "provider_ai",
        "approved",
        {
            "direction": "1",
            "product_name": "智算企业知识库大模型服务",
            "cac_model_name": "智算未来大模型",
            "cac_filing_unit": "北京智算未来科技有限公司",
            "cac_filing_number": "Beijing-ZhiSuanWeiLai-202401010001",
            "high_growth_count": "8",
        },
    ),
    (
        "provider_ai",
        "submitted",
        {
            "direction": "2",
            "subtype": "ai_coding",
            "product_name": "智码AI辅助编程系统",
            "high_growth_count": "5",
        },
    ),
    (
        "provider_ai",
        "draft",
        {
            "direction": "2",
            "subtype": "general_software",
            "software_type": "ERP",
            "product_name": "智算云ERP",
        },
    ),
    (
        "provider_green",
        "returned",
        {
            "direction": "6",
            "product_line": "consulting",
            "product_name": "能源管理体系建设咨询服务",
            "high_growth_count": "2",
        },
    ),
    ("provider_green", "approved", {"direction": "7", "product_name": "工业企业能源审计服务"}),
    ("provider_green", "rejected", {"direction": "8", "product_name": "产品碳足迹认证服务"}),
    (
        "provider_design",
        "approved",
        {"direction": "9", "product_name": "京韵产品外观与包装设计", "high_growth_count": "3"},
    ),
    ("provider_design", "submitted", {"direction": "9", "product_name": "京韵品牌LOGO设计"}),
]
QUALIFICATIONS = {
    "provider_ai": ["miit_sme_digital_provider"],
    "provider_green": [],
    "provider_design": [],
}


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, tiny_pdf(name.rsplit(".", 1)[0].encode("ascii", "ignore").decode() or "demo")
    )


def _png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_png())


def _form(user: User, programme: ProgrammeYear, values: dict[str, Any], today: dt.date) -> dict[str, Any]:
    deals = [
        {"transacted_on": today - dt.timedelta(days=20 * i + 5), "amount": str(Decimal("98000") + 1000 * i)}
        for i in range(programme.price_proof_sets)
    ]
    return {
        "provider_name": user.organisation.name,  # type: ignore[union-attr]
        "summary": f"{values['product_name']}：面向北京市中小企业的标准化服务产品，功能清晰、按年订阅、交付可验收。",
        "price_amount": "100000",
        "price_unit": "年",
        "pricing_basis": "按功能模块、服务人天和年度订阅计费。",
        "client_count": "25",
        "revenue_wan": "320",
        "has_ip": True,
        "has_after_sales": True,
        "market_share": "无法统计",
        "contact_name": user.display_name or user.username,
        "contact_mobile": "13800138000",
        "price_transactions": deals,
        **values,
    }


def _prepare_provider(user: User, programme: ProgrammeYear) -> None:
    organisation = user.organisation
    assert organisation is not None
    last_year = programme.year - 1
    services.dossier_update(
        actor=user,
        organisation=organisation,
        programme=programme,
        data={
            "introduction": (f"{organisation.name}是一家专注服务北京市中小企业的服务机构。" * 200)[
                : programme.provider_intro_min_chars + 100
            ],
            "revenue_last_year_wan": "1200",
            "sme_contracts": [
                {
                    "enterprise": f"北京示例客户{i + 1}有限公司",
                    "signed_on": f"{last_year}-{(i % 12) + 1:02d}-10",
                }
                for i in range(programme.provider_min_beijing_sme_contracts)
            ],
            "qualifications": QUALIFICATIONS.get(user.username, []),
        },
    )
    for kind in PROVIDER_FILES:
        services.material_upload(
            actor=user, organisation=organisation, programme=programme, kind=kind, file=_pdf(f"{kind}.pdf")
        )
    services.material_upload(
        actor=user,
        organisation=organisation,
        programme=programme,
        kind=MaterialKind.OTHER_PROOF,
        file=_png("honour.png"),
    )


def _attach(user: User, application: Application) -> None:
    for kind in PRODUCT_KINDS:
        if kind == MaterialKind.FORM_EXCEL:
            continue
        if not SLOTS[kind].required and kind != MaterialKind.HIGH_GROWTH_LIST:
            continue
        services.material_upload(
            actor=user,
            organisation=application.organisation,
            programme=application.programme,
            kind=kind,
            file=_pdf(f"{kind}.pdf"),
            application=application,
        )
    application.refresh_from_db()
    workbook = SimpleUploadedFile(f"{application.folder_name}.xlsx", build_template(application))
    services.material_upload(
        actor=user,
        organisation=application.organisation,
        programme=application.programme,
        kind=MaterialKind.FORM_EXCEL,
        file=workbook,
        application=application,
    )


@transaction.atomic
def seed_applications() -> list[Application]:
    """Applications in every status for the demo providers; running it again changes nothing."""
    programme = programme_current()
    if programme is None:
        return []
    if Application.objects.filter(
        programme=programme, organisation__members__username="provider_ai"
    ).exists():
        return list(Application.objects.filter(programme=programme).order_by("id"))
    reviewers = [User.objects.get(username="reviewer1"), User.objects.get(username="reviewer2")]
    day = programme.application_opens_on + dt.timedelta(days=3)
    if day > programme.application_closes_on:
        day = programme.application_closes_on
    created: list[Application] = []
    with clock.frozen_at(day):
        prepared: set[str] = set()
        for index, (username, status, values) in enumerate(PRODUCTS):
            user = User.objects.get(username=username)
            if username not in prepared:
                _prepare_provider(user, programme)
                prepared.add(username)
            application = services.application_create(
                actor=user, programme=programme, data=_form(user, programme, values, day), full_check=True
            )
            _attach(user, application)
            if status != "draft":
                application = services.application_submit(
                    actor=user, application=application, pledge_accepted=True
                )
                reviewer = reviewers[index % 2]
                if status == "approved":
                    application = services.application_approve(
                        actor=reviewer, application=application, comment="材料齐全，符合条件。"
                    )
                elif status == "returned":
                    application = services.application_return(
                        actor=reviewer,
                        application=application,
                        comment="请补充近6个月的成交合同和发票，并说明定价依据。",
                    )
                elif status == "rejected":
                    application = services.application_reject(
                        actor=reviewer, application=application, comment="服务内容与碳足迹认证方向要求不符。"
                    )
            created.append(application)
    assert Material.objects.filter(programme=programme).exists()
    return created

"""Demo review, public notice and catalogue, created through the review and catalogue services.

Starts from the approved demo applications (``voucher.demo.applications``); where a direction has
none, another application is created, submitted inside the application window and approved by a
demo reviewer. The approved products are published as one notice that has already run (with one
objection, dismissed), then put on sale — so the catalogue shows products in all nine directions,
while the applications still 待审核 stay in the review queue (one of them assigned).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from voucher.accounts.models import User
from voucher.applications import services as application_services
from voucher.applications.choices import ApplicationStatus
from voucher.applications.models import Application
from voucher.catalogue import services as catalogue_services
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.demo.applications import _attach, _form
from voucher.programmes.models import ProgrammeYear
from voucher.programmes.selectors import programme_current
from voucher.reviews import services as review_services
from voucher.reviews.models import Notice, ReviewAssignment

# direction number → (provider username, form values) for directions without an approved demo application
EXTRA: dict[int, tuple[str, dict[str, Any]]] = {
    1: (
        "provider_ai",
        {
            "direction": "1",
            "product_name": "智算大模型客服助手",
            "cac_model_name": "智算未来大模型",
            "cac_filing_unit": "北京智算未来科技有限公司",
            "cac_filing_number": "Beijing-ZhiSuanWeiLai-202401010001",
            "high_growth_count": "4",
        },
    ),
    2: (
        "provider_ai",
        {
            "direction": "2",
            "subtype": "collaboration",
            "product_name": "智联供应链协同管理平台",
            "high_growth_count": "6",
        },
    ),
    3: ("provider_ai", {"direction": "3", "product_name": "DCMM贯标评估咨询服务", "high_growth_count": "2"}),
    4: ("provider_design", {"direction": "4", "product_name": "京味农产品短视频营销推广服务"}),
    5: (
        "provider_ai",
        {
            "direction": "5",
            "product_line": "testing",
            "product_name": "芯片成品FT测试服务",
            "high_growth_count": "1",
        },
    ),
    6: (
        "provider_green",
        {"direction": "6", "product_line": "consulting", "product_name": "能源管理体系贯标咨询服务"},
    ),
    7: ("provider_green", {"direction": "7", "product_name": "中小企业能源审计报告编制服务"}),
    8: ("provider_green", {"direction": "8", "product_name": "产品碳足迹核算与声明服务"}),
    9: ("provider_design", {"direction": "9", "product_name": "京韵工业产品外观设计服务"}),
}
VOUCHERS = [20, 30, 50, 25, 40, 35, 60, 45, 30]


def _window_day(programme: ProgrammeYear) -> dt.date:
    return min(programme.application_opens_on + dt.timedelta(days=4), programme.application_closes_on)


def _notice_start(programme: ProgrammeYear, today: dt.date) -> dt.date:
    """After the window closed, early enough that the notice ended before today."""
    latest = today - dt.timedelta(days=programme.notice_period_days + 3)
    return min(programme.application_closes_on + dt.timedelta(days=5), latest)


def _approve_missing_directions(programme: ProgrammeYear, reviewer: User) -> None:
    approved = set(
        Application.objects.filter(programme=programme, status=ApplicationStatus.APPROVED).values_list(
            "direction__number", flat=True
        )
    )
    missing = [n for n in EXTRA if n not in approved]
    day = _window_day(programme)
    with clock.frozen_at(day):
        for number in missing:
            username, values = EXTRA[number]
            user = User.objects.get(username=username)
            application = application_services.application_create(
                actor=user, programme=programme, data=_form(user, programme, values, day), full_check=True
            )
            _attach(user, application)
            application_services.application_submit(actor=user, application=application, pledge_accepted=True)
    with clock.frozen_at(programme.application_closes_on + dt.timedelta(days=2)):
        for application in Application.objects.filter(
            programme=programme,
            status=ApplicationStatus.SUBMITTED,
            product_name__in=[EXTRA[n][1]["product_name"] for n in missing],
        ):
            review_services.review_decide(
                actor=reviewer, application=application, action="approve", comment="材料齐全，符合申报条件。"
            )


@transaction.atomic
def seed_catalogue() -> list[Product]:
    """Products on sale in all nine directions, one notice with a resolved objection, a review queue.

    Running it again changes nothing.
    """
    programme = programme_current()
    if programme is None:
        return []
    if Notice.objects.filter(programme=programme).exists():
        return list(Product.objects.filter(programme=programme).order_by("direction__number", "id"))
    admin = User.objects.get(username="admin")
    reviewer1 = User.objects.get(username="reviewer1")
    today = clock.today()
    _approve_missing_directions(programme, reviewer1)

    start = _notice_start(programme, today)
    approved = list(
        Application.objects.filter(
            programme=programme, status=ApplicationStatus.APPROVED, product__isnull=True
        )
    )
    with clock.frozen_at(start):
        notice = review_services.notice_publish(
            actor=admin, programme=programme, applications=approved, starts_on=start
        )
    products = [item.product for item in notice.items.select_related("product").order_by("position")]
    with clock.frozen_at(start + dt.timedelta(days=1)):
        objection = review_services.objection_file(
            actor=None,
            notice=notice,
            product=products[0],
            name="北京某科技有限公司",
            contact="13911112222",
            text="该产品的报价高于我司近期实际采购价格，请核实。",
        )
    with clock.frozen_at(notice.ends_on):
        review_services.objection_resolve(
            actor=admin,
            objection=objection,
            action="dismiss",
            resolution="经核实，服务商提供的近6个月成交合同、发票与报价一致，异议不成立。",
        )
    with clock.frozen_at(notice.ends_on + dt.timedelta(days=1)):
        review_services.notice_close(actor=admin, notice=notice)
        for index, product in enumerate(products):
            product.refresh_from_db()
            if product.status == ProductStatus.READY:
                catalogue_services.product_put_on_sale(
                    actor=admin, product=product, quantity=VOUCHERS[index % len(VOUCHERS)]
                )

    # Applications still waiting: the queue keeps them; one is assigned to a reviewer.
    waiting = Application.objects.filter(programme=programme, status=ApplicationStatus.SUBMITTED).order_by(
        "id"
    )
    first = waiting.first()
    if first is not None and not ReviewAssignment.objects.filter(application=first).exists():
        review_services.review_assign(actor=admin, application=first, reviewer=reviewer1)
    return list(Product.objects.filter(programme=programme).order_by("direction__number", "id"))

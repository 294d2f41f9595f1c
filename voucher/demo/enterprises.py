"""Demo enterprises: authenticated and size-classified through the real services (SPEC E1–E6).

Run after :func:`voucher.demo.seed.seed_demo`; running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from voucher.accounts.models import User
from voucher.demo.codes import make_uscc
from voucher.enterprises.choices import CreditListKind
from voucher.enterprises.models import CreditListEntry, EnterpriseAuthentication, SizeClassification
from voucher.enterprises.services import (
    credit_list_entry_create,
    enterprise_authenticate,
    enterprise_classify,
)
from voucher.programmes.selectors import programme_current

DEMO_FIGURES: list[dict[str, Any]] = [
    # 淀粉及淀粉制品制造 (C13): a small food processor, eligible for digital marketing (E5).
    {
        "username": "ent_food",
        "industry_code": "C1391",
        "employees": 45,
        "revenue_wan": Decimal("3800"),
        "assets_wan": Decimal("2600"),
    },
    # 应用软件开发 (I6513, under 软件和信息技术服务业): small.
    {
        "username": "ent_soft",
        "industry_code": "I6513",
        "employees": 28,
        "revenue_wan": Decimal("1200"),
        "assets_wan": Decimal("900"),
    },
    # 金属切削机床制造 (C3421, under 通用设备制造业): medium.
    {
        "username": "ent_mfg",
        "industry_code": "C3421",
        "employees": 320,
        "revenue_wan": Decimal("26000"),
        "assets_wan": Decimal("18000"),
    },
]

LISTED_COMPANY: dict[str, Any] = {
    "uscc": make_uscc(901, division="110105"),
    "name": "北京示例失信商贸有限公司",
    "kind": CreditListKind.DISHONEST_DEBTOR,
    "recorded_on": dt.date(2024, 3, 15),
    "source": "全国法院失信被执行人名单（演示数据）",
    "note": "演示：该单位注册后在划型时信用核查不通过。",
}


@transaction.atomic
def seed_enterprises() -> None:
    """Authenticate and classify the demo enterprises for the current year; add one credit-list record."""
    programme = programme_current()
    if programme is None:
        return
    for spec in DEMO_FIGURES:
        user = User.objects.select_related("organisation").filter(username=spec["username"]).first()
        if user is None or user.organisation is None:
            continue
        organisation = user.organisation
        auth = EnterpriseAuthentication.objects.filter(organisation=organisation).first()
        if auth is None or not auth.verified:
            enterprise_authenticate(actor=user, organisation=organisation, uscc=organisation.uscc or "")
        if not SizeClassification.objects.filter(
            organisation=organisation, programme=programme, is_current=True
        ).exists():
            enterprise_classify(
                actor=user,
                organisation=organisation,
                programme=programme,
                industry_code=spec["industry_code"],
                employees=spec["employees"],
                revenue_wan=spec["revenue_wan"],
                assets_wan=spec["assets_wan"],
            )
    admin = User.objects.filter(username="admin").first()
    if admin is not None and not CreditListEntry.objects.filter(uscc=LISTED_COMPANY["uscc"]).exists():
        credit_list_entry_create(actor=admin, **LISTED_COMPANY)

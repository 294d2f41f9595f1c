"""Demo data, created through the same services as real use (ARCHITECTURE convention 10).

A demo programme year is laid around today's date (SPEC Y5) so every phase can be explored now:
the application window has closed, products are on sale and orders may be placed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string

from voucher.accounts.choices import Role
from voucher.accounts.models import Organisation, User
from voucher.accounts.services import organisation_create, user_create
from voucher.core import clock
from voucher.demo.codes import make_uscc
from voucher.programmes.choices import YearStatus
from voucher.programmes.models import ProgrammeYear
from voucher.programmes.services import programme_year_copy, programme_year_update

DEMO_PASSWORD = "demo-2025-voucher"
GUIDE_YEAR = 2025


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    organisation: str


ORGANISATIONS: list[dict[str, Any]] = [
    {
        "key": "bureau",
        "name": "北京市经济和信息化局",
        "uscc": make_uscc(1, authority_type="11", division="110000"),
        "is_authority": True,
        "established_on": dt.date(2009, 1, 1),
    },
    {
        "key": "review",
        "name": "北京中小企业服务评审中心",
        "uscc": make_uscc(2, division="110105"),
        "is_review_body": True,
        "established_on": dt.date(2010, 6, 1),
    },
    {
        "key": "provider_ai",
        "name": "北京智算未来科技有限公司",
        "uscc": make_uscc(101, division="110108"),
        "is_provider": True,
        "established_on": dt.date(2016, 3, 18),
    },
    {
        "key": "provider_green",
        "name": "北京绿源节能咨询有限公司",
        "uscc": make_uscc(102, division="110105"),
        "is_provider": True,
        "established_on": dt.date(2012, 7, 2),
    },
    {
        "key": "provider_design",
        "name": "北京京韵工业设计有限公司",
        "uscc": make_uscc(103, division="110302"),
        "is_provider": True,
        "established_on": dt.date(2019, 11, 5),
    },
    {
        "key": "ent_food",
        "name": "北京稻香食品有限公司",
        "uscc": make_uscc(201, division="110115"),
        "is_enterprise": True,
        "established_on": dt.date(2018, 5, 9),
    },
    {
        "key": "ent_soft",
        "name": "北京云栈软件有限公司",
        "uscc": make_uscc(202, division="110108"),
        "is_enterprise": True,
        "established_on": dt.date(2020, 9, 1),
    },
    {
        "key": "ent_mfg",
        "name": "北京精工机械制造有限公司",
        "uscc": make_uscc(203, division="110113"),
        "is_enterprise": True,
        "established_on": dt.date(2011, 1, 20),
    },
]

USERS: list[dict[str, Any]] = [
    {"username": "admin", "role": Role.ADMIN, "org": "bureau", "display_name": "王处长"},
    {"username": "reviewer1", "role": Role.REVIEWER, "org": "review", "display_name": "李专家"},
    {"username": "reviewer2", "role": Role.REVIEWER, "org": "review", "display_name": "赵专家"},
    {"username": "provider_ai", "role": Role.PROVIDER, "org": "provider_ai", "display_name": "陈经理"},
    {"username": "provider_green", "role": Role.PROVIDER, "org": "provider_green", "display_name": "周经理"},
    {
        "username": "provider_design",
        "role": Role.PROVIDER,
        "org": "provider_design",
        "display_name": "吴经理",
    },
    {"username": "ent_food", "role": Role.ENTERPRISE, "org": "ent_food", "display_name": "孙总"},
    {"username": "ent_soft", "role": Role.ENTERPRISE, "org": "ent_soft", "display_name": "郑总"},
    {"username": "ent_mfg", "role": Role.ENTERPRISE, "org": "ent_mfg", "display_name": "冯总"},
]


def demo_year_dates(today: dt.date) -> dict[str, dt.date]:
    """Phases around ``today``: applications closed a while ago, products on sale, orders still open."""
    return {
        "application_opens_on": today - dt.timedelta(days=90),
        "application_closes_on": today - dt.timedelta(days=60),
        "review_deadline": today - dt.timedelta(days=40),
        "last_order_day": today + dt.timedelta(days=45),
        "claim_final_date": today + dt.timedelta(days=75),
    }


# Each step builds on the previous ones through the real services and is safe to run again.
DEMO_STEPS = [
    "voucher.demo.enterprises.seed_enterprises",
    "voucher.demo.applications.seed_applications",
    "voucher.demo.catalogue.seed_catalogue",
    "voucher.demo.orders.seed_orders",
    "voucher.demo.contracts.seed_contracts",
    "voucher.demo.claims.seed_claims",
    "voucher.demo.payouts.seed_payouts",
    "voucher.demo.enforcement.seed_enforcement",
    "voucher.demo.year.seed_year_states",
]


def seed_demo() -> list[DemoLogin]:
    """Create the demo world once; running it again changes nothing and returns the same logins."""
    logins = seed_people()
    for step in DEMO_STEPS:
        import_string(step)()
    return logins


@transaction.atomic
def seed_people() -> list[DemoLogin]:
    """The demo organisations, their users and the demo programme year."""
    if not User.objects.filter(username="admin").exists():
        orgs: dict[str, Organisation] = {}
        for index, spec in enumerate(ORGANISATIONS):
            values = {k: v for k, v in spec.items() if k not in {"key", "name", "uscc"}}
            orgs[spec["key"]] = organisation_create(
                actor=None,
                name=spec["name"],
                uscc=spec["uscc"],
                # Distinct contacts, so the reviewers' shared-contact risk flag (M6) is not raised by demo data.
                registered_address=f"北京市海淀区中关村大街{index + 1}号",
                contact_name=f"联系人{index + 1}",
                contact_phone=f"138001380{index + 10:02d}",
                **values,
            )
        for index, spec in enumerate(USERS):
            user_create(
                actor=None,
                username=spec["username"],
                password=DEMO_PASSWORD,
                role=spec["role"],
                organisation=orgs[spec["org"]],
                display_name=spec["display_name"],
                email=f"{spec['username']}@demo.example",
                mobile=f"139{index:08d}",
            )
        _demo_programme(User.objects.get(username="admin"))
    return [
        DemoLogin(role=u.role_label, username=u.username, organisation=str(u.organisation))
        for u in User.objects.filter(username__in=[s["username"] for s in USERS])
        .select_related("organisation")
        .order_by("id")
    ]


def _demo_programme(admin: User) -> ProgrammeYear:
    """The current calendar year as a copy of the guide's year, its dates laid around today."""
    today = clock.today()
    existing = ProgrammeYear.objects.filter(year=today.year).first()
    if existing is None:
        source = ProgrammeYear.objects.get(year=GUIDE_YEAR)
        if source.year == today.year:
            existing = source
        else:
            existing = programme_year_copy(actor=admin, source=source, year=today.year)
    if existing.year == GUIDE_YEAR:
        return existing
    return programme_year_update(
        actor=admin,
        programme=existing,
        status=YearStatus.ACTIVE,
        title=f"{today.year}年北京市中小企业服务券（演示年度）",
        **demo_year_dates(today),
    )

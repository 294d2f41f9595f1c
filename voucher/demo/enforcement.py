"""Demo oversight records, through the oversight services (SPEC M1, M2, M5).

Leaves one spot check of the year's orders with the inspector's findings, one clawback reported by the
provider of the demo's approved claim and partly repaid, and one sanction — on an extra demo enterprise
(login ``ent_banned``), so the demo's own enterprises and providers stay free to trade. Safe to run again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from voucher.accounts.choices import Role
from voucher.accounts.models import Organisation, User
from voucher.accounts.selectors import active_members
from voucher.accounts.services import organisation_create, user_create
from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.core import clock
from voucher.demo.codes import make_uscc
from voucher.demo.seed import DEMO_PASSWORD
from voucher.enforcement import services
from voucher.enforcement.choices import FindingOutcome
from voucher.enforcement.models import Clawback, Sanction, SpotCheck
from voucher.programmes.selectors import programme_current

BANNED_USERNAME = "ent_banned"
BANNED_NAME = "北京演示违规贸易有限公司"
SPOT_CHECK_SEED = "demo-2025-spot-check"
FINDINGS = [
    (FindingOutcome.COMPLIANT, "合同、发票与订单信息一致，服务已按合同开展。"),
    (FindingOutcome.ISSUE, "服务记录不完整，已要求服务商补充服务过程材料。"),
]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _banned_enterprise(admin: User) -> Organisation:
    organisation = Organisation.objects.filter(name=BANNED_NAME).first()
    if organisation is None:
        organisation = organisation_create(
            actor=admin,
            name=BANNED_NAME,
            uscc=make_uscc(299, division="110105"),
            is_enterprise=True,
            registered_address="北京市朝阳区建国路99号",
            contact_name="联系人（违规演示）",
            contact_phone="13800138099",
            established_on=dt.date(2021, 3, 3),
        )
    if not User.objects.filter(username=BANNED_USERNAME).exists():
        user_create(
            actor=admin,
            username=BANNED_USERNAME,
            password=DEMO_PASSWORD,
            role=Role.ENTERPRISE,
            organisation=organisation,
            display_name="违规演示企业",
            email=f"{BANNED_USERNAME}@demo.example",
        )
    return organisation


def _sanction(admin: User) -> Sanction | None:
    organisation = _banned_enterprise(admin)
    existing = Sanction.objects.filter(organisation=organisation).first()
    if existing is not None:
        return existing
    case = services.sanction_record(
        actor=admin,
        kind="transfer",
        facts="该企业将领取的服务券转让给其他单位使用，经核查属实（演示数据）。",
        enterprise=organisation,
        decided_on=clock.today() - dt.timedelta(days=10),
    )
    return case.sanctions.first()


def _clawback(admin: User) -> Clawback | None:
    existing = Clawback.objects.filter(case__isnull=True).first()
    if existing is not None:
        return existing
    claim = (
        Claim.objects.filter(status=ClaimStatus.APPROVED, approved_payout__isnull=False)
        .select_related("order", "provider")
        .order_by("pk")
        .first()
    )
    if claim is None or claim.approved_payout is None:
        return None
    provider = active_members(claim.provider_id, "party.provider").first()
    if provider is None:
        return None
    due = (claim.approved_payout / 2).quantize(Decimal("0.01"))
    clawback = services.clawback_report(
        actor=provider,
        claim=claim,
        reason_kind="partial_refund",
        amount=due,
        reason="服务范围调整，服务商已向企业退还部分服务费，按比例退回补贴资金（演示数据）。",
    )
    services.clawback_record_repayment(
        actor=admin,
        clawback=clawback,
        paid_on=clock.today(),
        amount=(due / 2).quantize(Decimal("0.01")),
        reference="DEMO-TH-0001",
    )
    return clawback


def _spot_check(admin: User) -> SpotCheck | None:
    existing = SpotCheck.objects.filter(seed=SPOT_CHECK_SEED).first()
    if existing is not None:
        return existing
    programme = programme_current()
    inspector = _user("reviewer1") or admin
    if programme is None:
        return None
    population = services.eligible_population(programme, "orders", {})
    if not population:
        return None
    check = services.spot_check_draw(
        actor=admin,
        programme=programme,
        target="orders",
        title=f"{programme.year} 年度服务券订单抽查（演示）",
        size=min(3, len(population)),
        seed=SPOT_CHECK_SEED,
    )
    services.spot_check_assign(actor=admin, check=check, inspector=inspector)
    # Findings on all but the last item, so the inspector's task is still visible in the demo.
    for item, (outcome, text) in zip(list(check.items.all())[:-1], FINDINGS, strict=False):
        services.spot_check_record_finding(actor=inspector, item=item, outcome=outcome, findings=text)
    return check


@transaction.atomic
def seed_enforcement() -> dict[str, Any]:
    """One spot check with findings, one partly repaid clawback, one sanction on an extra demo enterprise."""
    admin = _user("admin")
    if admin is None:
        return {}
    return {"spot_check": _spot_check(admin), "clawback": _clawback(admin), "sanction": _sanction(admin)}

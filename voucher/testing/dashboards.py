"""A small programme year in every ledger state, built through the services, for the dashboard figures.

Three enterprises in three Beijing districts, two providers, three products in two fields, and orders
that end in each state: an open order (reserved), a recorded contract (committed), a cancelled order
(released), a submitted claim awaiting review, an approved claim with a reduced payout and an approved
claim at the full deduction (paid, under a rule that pays at approval), one rated product.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from voucher.catalogue.models import Product
from voucher.claims import services as claim_services
from voucher.claims.choices import ClaimAction, ClaimStatus
from voucher.claims.models import Claim
from voucher.contracts import services as contract_services
from voucher.core import clock
from voucher.demo.codes import make_uscc
from voucher.enterprises.models import QuotaAccount, QuotaLedgerEntry
from voucher.orders import services as order_services
from voucher.orders.models import Order
from voucher.testing.builders import ORDER_DAY, make_eligible, make_product, place_order
from voucher.testing.claims import fill
from voucher.testing.factories import OrganisationFactory, UserFactory

# District of each test enterprise: 海淀区, 朝阳区, 大兴区.
DISTRICTS = ("110108", "110105", "110115")
CLAIM_DAY = dt.datetime(2025, 7, 15, 10, 0, tzinfo=clock.SHANGHAI)
SECOND_MONTH_DAY = dt.datetime(2025, 8, 5, 10, 0, tzinfo=clock.SHANGHAI)
_serial = iter(range(700000, 800000))


@dataclass
class DashboardWorld:
    """What :func:`build_dashboard_world` made, by role."""

    programme: Any
    reviewer: Any
    enterprises: list[Any]
    providers: list[Any]
    products: list[Product]
    orders: dict[str, Order] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)


def make_enterprise(programme: Any, division: str) -> Any:
    """An eligible enterprise user whose credit code is registered in ``division``."""
    organisation = OrganisationFactory(enterprise=True, uscc=make_uscc(next(_serial), division=division))
    return make_eligible(UserFactory(organisation=organisation), programme)


def _contract(buyer: Any, provider: Any, product: Product, *, total: str, deduction: str) -> Any:
    order = order_services.order_accept(actor=provider, order=place_order(buyer, product))
    day = clock.today()
    terms = contract_services.Terms(
        number=f"HT-{uuid.uuid4().hex[:8]}",
        total_amount=Decimal(total),
        signed_on=day,
        service_start=day,
        service_end=dt.date(2025, 8, 31),
        deduction=Decimal(deduction),
        own_payment=None,
    )
    return contract_services.contract_record(actor=provider, order=order, terms=terms)


def _completed(buyer: Any, provider: Any, product: Product, *, total: str, deduction: str) -> Any:
    contract = _contract(buyer, provider, product, total=total, deduction=deduction)
    contract_services.contract_confirm(actor=buyer, contract=contract)
    return contract_services.contract_complete(actor=buyer, contract=contract)


def _submitted(contract: Any, provider: Any) -> Claim:
    claim = claim_services.claim_start(actor=provider, contract=contract)
    claim = fill(claim, provider)
    return claim_services.claim_submit(actor=provider, claim=claim, confirmed=True)


def _approved(reviewer: Any, claim: Claim, payout: str, *, reason: str = "") -> Claim:
    return claim_services.claim_decide(
        actor=reviewer, claim=claim, action=ClaimAction.APPROVE, payout=payout, reason=reason
    )


def build_dashboard_world(programme: Any) -> DashboardWorld:
    """Build the world described in the module docstring on the 2025 order and claim days."""
    reviewer = UserFactory(reviewer=True)
    with clock.frozen_at(ORDER_DAY):
        providers = [UserFactory(provider=True), UserFactory(provider=True)]
        enterprises = [make_enterprise(programme, d) for d in DISTRICTS]
        design = make_product(programme, direction="industrial_design", provider=providers[0], vouchers=5)
        audit = make_product(programme, direction="energy_audit", provider=providers[0], vouchers=4)
        model = make_product(programme, direction="llm", provider=providers[1], vouchers=3)
        world = DashboardWorld(programme, reviewer, enterprises, providers, [design, audit, model])
        haidian, chaoyang, daxing = enterprises
        world.orders["open"] = place_order(haidian, design)
        cancelled = place_order(daxing, model)
        world.orders["cancelled"] = order_services.order_cancel(actor=daxing, order=cancelled)
        recorded = _contract(chaoyang, providers[0], design, total="50000.00", deduction="15000.00")
        world.orders["committed"] = recorded.order
        reduced = _completed(haidian, providers[0], audit, total="100000.00", deduction="30000.00")
        full = _completed(chaoyang, providers[1], model, total="60000.00", deduction="18000.00")
        pending = _completed(daxing, providers[0], audit, total="40000.00", deduction="12000.00")
        contract_services.rating_create(
            actor=chaoyang,
            contract=full,
            scores={"quality": 5, "responsiveness": 4, "expertise": 5, "overall": 4},
            comment="服务专业",
        )
    with clock.frozen_at(CLAIM_DAY):
        world.claims["reduced"] = _approved(
            reviewer, _submitted(reduced, providers[0]), "25000.00", reason="部分服务内容不在补贴范围"
        )
        world.claims["pending"] = _submitted(pending, providers[0])
    with clock.frozen_at(SECOND_MONTH_DAY):
        world.claims["full"] = _approved(reviewer, _submitted(full, providers[1]), "18000.00")
    return world


__all__ = ["DISTRICTS", "DashboardWorld", "build_dashboard_world", "make_enterprise", "place_order"]


def account_sums(programme) -> dict[str, Decimal]:
    """Sums over the year's quota accounts, added up in Python."""
    sums = {"reserved": Decimal("0"), "committed": Decimal("0"), "paid": Decimal("0")}
    for account in QuotaAccount.objects.filter(programme=programme):
        for bucket in sums:
            sums[bucket] += getattr(account, bucket)
    return sums


def ledger_sums(programme) -> dict[str, Decimal]:
    """Sums of every entry's bucket change (its balance after minus the previous entry's), in Python."""
    last: dict[int, dict[str, Decimal]] = defaultdict(
        lambda: {"reserved": Decimal("0"), "committed": Decimal("0"), "paid": Decimal("0")}
    )
    sums = {"reserved": Decimal("0"), "committed": Decimal("0"), "paid": Decimal("0")}
    for entry in QuotaLedgerEntry.objects.filter(account__programme=programme).order_by("id"):
        for bucket in sums:
            now = getattr(entry, f"{bucket}_after")
            sums[bucket] += now - last[entry.account_id][bucket]
            last[entry.account_id][bucket] = now
    return sums


def approved_sum(programme) -> Decimal:
    return sum(
        (c.approved_payout for c in Claim.objects.filter(programme=programme, status=ClaimStatus.APPROVED)),
        Decimal("0"),
    )

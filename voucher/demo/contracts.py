"""Demo contracts in every state, through the contract services with the clock moved (SPEC C1–C7).

Uses the demo's accepted orders; when there are fewer than three it places and accepts orders itself for
the demo enterprises on products on sale. Leaves one contract awaiting the enterprise's confirmation
(an 18-month contract, annualised), one confirmed (service under way), and one completed, rated and
answered by the provider. Safe to run again: it does nothing once demo contracts exist.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from voucher.accounts.models import User
from voucher.accounts.selectors import active_members
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.contracts import services
from voucher.contracts.models import Contract
from voucher.contracts.rules import deduction_limit
from voucher.core import clock
from voucher.core.periods import add_months
from voucher.enterprises.models import QuotaAccount
from voucher.orders import services as order_services
from voucher.orders.choices import HOLDING_STATUSES, OrderStatus
from voucher.orders.models import Order
from voucher.programmes.selectors import programme_current

ENTERPRISES = ["ent_soft", "ent_mfg", "ent_food"]
# What each demo contract becomes, with its service length in months.
STATES = [("completed", 1), ("confirmed", 12), ("recorded", 18)]


def _provider_user(order: Order) -> User | None:
    return active_members(order.provider_id, "party.provider").first()


def _place_more(needed: int) -> list[Order]:
    """Place and accept orders (20 days ago) for the demo enterprises on products they may buy."""
    programme = programme_current()
    placed: list[Order] = []
    moment = clock.now() - dt.timedelta(days=20)
    for username in ENTERPRISES:
        if len(placed) >= needed:
            break
        user = User.objects.filter(username=username).select_related("organisation").first()
        if user is None:
            continue
        held = Order.objects.filter(enterprise=user.organisation, status__in=HOLDING_STATUSES).values(
            "product_id"
        )
        products = (
            Product.objects.filter(programme=programme, status=ProductStatus.ON_SALE, vouchers_left__gt=0)
            .exclude(pk__in=held)
            .select_related("direction")
            .order_by("-direction__number", "id")
        )
        for product in products:
            if product.direction.code == "marketing" and username != "ent_food":
                continue
            with clock.frozen_at(moment):
                order = order_services.order_place(
                    actor=user,
                    product=product,
                    idempotency_key=f"demo-contract-order-{username}",
                    contact_name=user.display_name or "联系人",
                    contact_mobile=user.mobile or "13800138000",
                    note="演示订单（合同）",
                )
            provider = _provider_user(order)
            if provider is None:
                break
            with clock.frozen_at(moment + dt.timedelta(hours=2)):
                placed.append(order_services.order_accept(actor=provider, order=order))
            break
    return placed


def _terms(order: Order, months: int, index: int) -> services.Terms:
    """The contract signed the day after the order, priced at the listed price (× months ÷ 12 when longer)."""
    start = clock.local(order.ordered_at).date() + dt.timedelta(days=1)
    end = add_months(start, months) - dt.timedelta(days=1)
    total = (
        order.listed_price if months <= 12 else (order.listed_price * months / 12).quantize(Decimal("0.01"))
    )
    account = QuotaAccount.objects.get(organisation_id=order.enterprise_id, programme_id=order.programme_id)
    limit = deduction_limit(
        total=total,
        start=start,
        end=end,
        max_months=order.programme.max_service_period_months,
        rate_cap=order.programme.subsidy_rate_cap,
        available=account.available,
        held=order.subsidy_estimate,
    )
    return services.Terms(
        number=f"DEMO-HT-{start:%Y%m%d}-{index + 1:02d}",
        total_amount=total,
        signed_on=start,
        service_start=start,
        service_end=end,
        deduction=limit.maximum,
    )


@transaction.atomic
def seed_contracts() -> list[Contract]:
    """Contracts awaiting confirmation, confirmed, and completed with a rating and a reply."""
    if Contract.objects.filter(order__ordered_by__username__in=ENTERPRISES).exists():
        return list(Contract.objects.filter(order__ordered_by__username__in=ENTERPRISES).distinct())
    orders = list(
        Order.objects.filter(
            status=OrderStatus.ACCEPTED, contract__isnull=True, ordered_by__username__in=ENTERPRISES
        )
        .select_related("programme", "product", "enterprise")
        .order_by("ordered_at")[: len(STATES)]
    )
    if len(orders) < len(STATES):
        orders += _place_more(len(STATES) - len(orders))
    contracts: list[Contract] = []
    for index, (order, (state, months)) in enumerate(zip(orders, STATES, strict=False)):
        provider = _provider_user(order)
        enterprise_user = order.ordered_by
        if provider is None:
            continue
        signed = clock.local(order.ordered_at) + dt.timedelta(days=1)
        with clock.frozen_at(signed):
            contract = services.contract_record(
                actor=provider,
                order=order,
                terms=_terms(order, months, index),
                counterparty_uscc=order.enterprise.uscc,
            )
        if state in {"confirmed", "completed"}:
            with clock.frozen_at(signed + dt.timedelta(hours=5)):
                contract = services.contract_confirm(actor=enterprise_user, contract=contract)
        if state == "completed":
            done_at = max(clock.now() - dt.timedelta(days=1), signed + dt.timedelta(days=2))
            with clock.frozen_at(done_at):
                contract = services.contract_complete(actor=enterprise_user, contract=contract)
                rating = services.rating_create(
                    actor=enterprise_user,
                    contract=contract,
                    scores={"quality": 5, "responsiveness": 4, "expertise": 5, "overall": 5},
                    comment="顾问响应及时，交付物规范，对我们的数字化改造很有帮助。",
                )
            with clock.frozen_at(done_at + dt.timedelta(hours=4)):
                services.rating_reply(
                    actor=provider, rating=rating, reply="感谢认可！后续运维问题可随时联系我们。"
                )
        contracts.append(contract)
    return contracts

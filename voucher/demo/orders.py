"""Demo orders in every state, placed and moved through the order services (SPEC O2–O7).

Uses whatever products are on sale in the current programme year; with none, it does nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from voucher.accounts.models import User
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.orders import services
from voucher.orders.models import Order
from voucher.programmes.selectors import programme_current

# (enterprise, what happens to the order, days ago it was placed)
PLAN = [
    ("ent_soft", "accept", 12),
    ("ent_mfg", "accept", 10),
    ("ent_soft", "decline", 9),
    ("ent_mfg", "cancel", 8),
    ("ent_food", "expire", 30),  # cancelled by the scheduled acceptance sweep
    ("ent_soft", "placed", 1),
    ("ent_mfg", "placed", 0),
]


def _product_for(user: User, used: set[int]) -> Product | None:
    """A product on sale the enterprise may buy (digital marketing only for the food maker, E5)."""
    products = Product.objects.filter(
        programme=programme_current(), status=ProductStatus.ON_SALE, vouchers_left__gt=0
    ).select_related("provider", "direction")
    for product in products.order_by("direction__number", "id"):
        if product.pk in used:
            continue
        if product.direction.code == "marketing" and user.username != "ent_food":
            continue
        return product
    return None


@transaction.atomic
def seed_orders() -> None:
    if Order.objects.filter(ordered_by__username__in=[p[0] for p in PLAN]).exists():
        return
    used: set[int] = set()
    for index, (username, outcome, days_ago) in enumerate(PLAN):
        user = User.objects.filter(username=username).select_related("organisation").first()
        product = _product_for(user, used) if user else None
        if user is None or product is None:
            continue
        used.add(product.pk)
        placed_at = clock.now() - dt.timedelta(days=days_ago)
        with clock.frozen_at(placed_at):
            order = services.order_place(
                actor=user,
                product=product,
                idempotency_key=f"demo-order-{index:04d}",
                contact_name=user.display_name or "联系人",
                contact_mobile=user.mobile or "13800138000",
                note="演示订单",
            )
        provider = User.objects.filter(organisation=product.provider, role="provider").first()
        if outcome == "accept" and provider:
            with clock.frozen_at(placed_at + dt.timedelta(hours=3)):
                services.order_accept(actor=provider, order=order)
        elif outcome == "decline" and provider:
            with clock.frozen_at(placed_at + dt.timedelta(hours=3)):
                services.order_decline(actor=provider, order=order, reason="当前排期已满，建议下月再下单。")
        elif outcome == "cancel":
            with clock.frozen_at(placed_at + dt.timedelta(hours=1)):
                services.order_cancel(actor=user, order=order)
        # "expire": left placed past its acceptance window for the scheduled sweep, which the worker
        # started by scripts/run runs every minute (the order shows as auto-cancelled right after).

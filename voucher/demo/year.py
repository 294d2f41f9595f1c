"""The demo's records waiting for someone today, so every step of the year can be tried right after
``scripts/run``: a product whose notice has ended (ready to put on sale), a sold-out product, an order near
its acceptance deadline, a claim near its deadline, a payout batch past its notice (ready for the payment
file) and a batch whose payment file is exported (awaiting 已支付). Built through the services like the rest
of the demo, with the clock moved to when each step happened. Safe to run again.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass

from django.db import transaction

from voucher.accounts.models import User
from voucher.applications import services as application_services
from voucher.applications.choices import ApplicationStatus
from voucher.applications.models import Application
from voucher.catalogue import services as catalogue_services
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.claims import services as claim_services
from voucher.claims.models import Claim
from voucher.contracts import services as contract_services
from voucher.core import clock
from voucher.core.periods import add_months
from voucher.demo.applications import _attach, _form
from voucher.demo.catalogue import _window_day
from voucher.demo.claims import _fill
from voucher.demo.contracts import _provider_user, _terms
from voucher.demo.payouts import _claims_approved_on
from voucher.orders import services as order_services
from voucher.orders.models import Order
from voucher.payouts import services as payout_services
from voucher.payouts.models import PayoutBatch
from voucher.payouts.selectors import BatchFilters
from voucher.programmes.models import ProgrammeYear
from voucher.programmes.selectors import programme_current
from voucher.reviews import services as review_services

PROVIDER = "provider_design"
READY_NAME = "京韵文创产品包装设计服务"
SOLD_OUT_NAME = "京韵展陈空间设计服务"
NEAR_ORDER_KEY = "demo-year-near-acceptance"
NEAR_CLAIM_KEY = "demo-year-near-claim"
BATCH_KEY = "demo-year-batch"
APPROVED_TITLE = "年度服务券第三批兑付（待导出支付文件）"
EXPORTED_TITLE = "年度服务券第四批兑付（待登记支付）"
# The enterprise whose orders these are: the one with quota to spare, so the other demo enterprises keep
# theirs for trying the steps.
BUYER = "ent_food"
# Days before the claim deadline that count as "near" for the demo's claim.
CLAIM_DAYS_LEFT = 3


@dataclass(frozen=True)
class YearStates:
    """The records the step made (or found): one per state a role can act on today."""

    ready_product: Product | None
    sold_out_product: Product | None
    near_order: Order | None
    near_claim: Claim | None
    approved_batch: PayoutBatch | None
    exported_batch: PayoutBatch | None


def _found() -> YearStates:
    products = Product.objects.filter(provider__members__username=PROVIDER).distinct()
    return YearStates(
        ready_product=products.filter(name=READY_NAME, status=ProductStatus.READY).first(),
        sold_out_product=products.filter(name=SOLD_OUT_NAME, vouchers_left=0).first(),
        near_order=Order.objects.filter(idempotency_key=NEAR_ORDER_KEY).first(),
        near_claim=Claim.objects.filter(order__idempotency_key=NEAR_CLAIM_KEY).first(),
        approved_batch=PayoutBatch.objects.filter(title__endswith=APPROVED_TITLE).first(),
        exported_batch=PayoutBatch.objects.filter(title__endswith=EXPORTED_TITLE).first(),
    )


def _new_products(
    programme: ProgrammeYear, admin: User, reviewer: User, today: dt.date
) -> tuple[list[Product], dt.date]:
    """Two more design products, applied for in the window, approved, and noticed so the notice has ended."""
    user = User.objects.get(username=PROVIDER)
    day = _window_day(programme)
    made = []
    with clock.frozen_at(day):
        for name in (READY_NAME, SOLD_OUT_NAME):
            values = {"direction": "9", "product_name": name}
            application = application_services.application_create(
                actor=user, programme=programme, data=_form(user, programme, values, day), full_check=True
            )
            _attach(user, application)
            application_services.application_submit(actor=user, application=application, pledge_accepted=True)
            made.append(application)
    with clock.frozen_at(programme.application_closes_on + dt.timedelta(days=3)):
        for application in made:
            review_services.review_decide(
                actor=reviewer, application=application, action="approve", comment="材料齐全，符合申报条件。"
            )
    # Noticed so that it ended with time for a sold-out product to be ordered before its acceptance deadline.
    start = today - dt.timedelta(days=programme.notice_period_days + 14)
    approved = list(
        Application.objects.filter(pk__in=[a.pk for a in made], status=ApplicationStatus.APPROVED)
    )
    with clock.frozen_at(start):
        notice = review_services.notice_publish(
            actor=admin, programme=programme, applications=approved, starts_on=start
        )
    with clock.frozen_at(notice.ends_on + dt.timedelta(days=1)):
        review_services.notice_close(actor=admin, notice=notice)
    products = [item.product for item in notice.items.select_related("product").order_by("position")]
    return products, notice.ends_on


def _last_day_to_order_for_deadline(programme: ProgrammeYear, today: dt.date, earliest: dt.date) -> dt.date:
    """The earliest order day (not before ``earliest``) whose acceptance deadline is still today or later."""
    day = earliest
    while day < today and order_services.acceptance_deadline(programme, day) < today:
        day += dt.timedelta(days=1)
    return day


def _sell_out(
    product: Product, programme: ProgrammeYear, admin: User, today: dt.date, notice_ended: dt.date
) -> Order:
    """Put on sale with one voucher, which an enterprise orders on the day that leaves the provider until
    today or tomorrow to accept: the product is sold out and the order near its acceptance deadline."""
    on_sale_day = notice_ended + dt.timedelta(days=1)
    with clock.frozen_at(on_sale_day):
        catalogue_services.product_put_on_sale(actor=admin, product=product, quantity=1)
    ordered_on = _last_day_to_order_for_deadline(programme, today, on_sale_day)
    buyer = User.objects.get(username=BUYER)
    with clock.frozen_at(dt.datetime.combine(ordered_on, dt.time(10, 0), tzinfo=clock.SHANGHAI)):
        return order_services.order_place(
            actor=buyer,
            product=product,
            idempotency_key=NEAR_ORDER_KEY,
            contact_name=buyer.display_name or "联系人",
            contact_mobile=buyer.mobile or "13800138000",
            note="演示订单（接单期限将到）",
        )


def _claim_near_deadline(programme: ProgrammeYear, today: dt.date) -> Claim | None:
    """A one-month contract that ended so that its claim deadline is a few days away; the claim started."""
    buyer = User.objects.get(username=BUYER)
    held = Order.objects.filter(enterprise=buyer.organisation).values("product_id")
    product = (
        Product.objects.filter(programme=programme, status=ProductStatus.ON_SALE, vouchers_left__gt=1)
        .exclude(pk__in=held)
        .exclude(direction__code="marketing")
        .order_by("price_amount", "id")
        .first()
    )
    if product is None:
        return None
    # _terms signs the day after the order and serves one month: the first order day whose claim deadline
    # is at least CLAIM_DAYS_LEFT days away.
    placed_on = today - dt.timedelta(days=60)
    while placed_on < today:
        end = add_months(placed_on + dt.timedelta(days=1), 1) - dt.timedelta(days=1)
        if (programme.claim_deadline(end) - today).days >= CLAIM_DAYS_LEFT:
            break
        placed_on += dt.timedelta(days=1)
    placed_at = dt.datetime.combine(placed_on, dt.time(10, 0), tzinfo=clock.SHANGHAI)
    with clock.frozen_at(placed_at):
        order = order_services.order_place(
            actor=buyer,
            product=product,
            idempotency_key=NEAR_CLAIM_KEY,
            contact_name=buyer.display_name or "联系人",
            contact_mobile=buyer.mobile or "13800138000",
            note="演示订单（兑券截止将到）",
        )
    provider = _provider_user(order)
    if provider is None:
        return None
    with clock.frozen_at(placed_at + dt.timedelta(hours=2)):
        order = order_services.order_accept(actor=provider, order=order)
    with clock.frozen_at(placed_at + dt.timedelta(days=1)):
        contract = contract_services.contract_record(
            actor=provider, order=order, terms=_terms(order, 1, 80), counterparty_uscc=order.enterprise.uscc
        )
        contract = contract_services.contract_confirm(actor=buyer, contract=contract)
    claim = claim_services.claim_start(actor=provider, contract=contract)
    return _fill(claim, provider, complete=False)


def _batches(programme: ProgrammeYear, admin: User, today: dt.date) -> None:
    """A batch approved after its notice (the payment file is next) and one whose file is exported."""
    now = clock.now()
    for title, decided_days_ago, export in ((APPROVED_TITLE, 14, False), (EXPORTED_TITLE, 13, True)):
        decided = now - dt.timedelta(days=decided_days_ago)
        if not _claims_approved_on(decided, 1, key=f"{BATCH_KEY}-{decided_days_ago}", enterprises=[BUYER]):
            continue
        filters = BatchFilters(
            programme_id=programme.pk, decided_from=decided.date(), decided_to=decided.date()
        )
        with clock.frozen_at(decided + dt.timedelta(days=1)):
            batch = payout_services.payout_batch_create(
                actor=admin, filters=filters, title=f"{programme.year}{title}"
            )
            batch = payout_services.payout_batch_publish(actor=admin, batch=batch)
        assert batch.notice_ends_on is not None
        approve_on = min(batch.notice_ends_on + dt.timedelta(days=1), today)
        with clock.frozen_at(approve_on):
            batch = payout_services.payout_batch_approve(actor=admin, batch=batch)
        if export:
            with clock.frozen_at(today), tempfile.TemporaryFile() as handle:
                payout_services.payout_batch_export(actor=admin, batch=batch, out=handle)


@transaction.atomic
def seed_year_states() -> YearStates:
    """Add the records waiting for an action today (once); returns them."""
    found = _found()
    programme = programme_current()
    admin = User.objects.filter(username="admin").first()
    reviewer = User.objects.filter(username="reviewer1").first()
    if programme is None or admin is None or reviewer is None:
        return found
    if Product.objects.filter(programme=programme, name=READY_NAME).exists():
        return found  # made before (the ready product may have been put on sale since)
    today = clock.today()
    products, notice_ended = _new_products(programme, admin, reviewer, today)
    sold_out = next(p for p in products if p.name == SOLD_OUT_NAME)
    _sell_out(sold_out, programme, admin, today, notice_ended)
    _claim_near_deadline(programme, today)
    _batches(programme, admin, today)
    return _found()


__all__ = ["YearStates", "seed_year_states"]

"""Demo payout batches through the payout services (SPEC R7): one batch noticed, approved, exported and
paid, and one batch under notice today. The paid batch takes two more claims approved two weeks ago (orders
placed a month ago for the demo enterprises, through the order, contract and claim services); the batch
under notice takes the demo's other approved claims. The demo providers get payee accounts. Safe to run
again.
"""

from __future__ import annotations

import datetime as dt
import tempfile

from django.core.exceptions import ValidationError
from django.db import transaction

from voucher.accounts.models import Organisation, User
from voucher.accounts.selectors import active_members
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.claims import services as claim_services
from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.contracts import services as contract_services
from voucher.core import clock
from voucher.demo.claims import _fill
from voucher.demo.contracts import ENTERPRISES, _provider_user, _terms
from voucher.orders import services as order_services
from voucher.orders.choices import HOLDING_STATUSES
from voucher.orders.models import Order
from voucher.payouts import services
from voucher.payouts.models import PayeeAccount, PayoutBatch
from voucher.payouts.selectors import BatchFilters
from voucher.programmes.models import ProgrammeYear
from voucher.programmes.selectors import programme_current

BANKS = [
    "中国工商银行北京海淀支行",
    "中国建设银行北京朝阳支行",
    "招商银行北京分行营业部",
    "北京银行中关村支行",
]


def _payees() -> None:
    """Every demo provider without a payee account gets one, entered by its own user."""
    for index, organisation in enumerate(Organisation.objects.filter(is_provider=True).order_by("pk")):
        if PayeeAccount.objects.filter(organisation=organisation).exists():
            continue
        user = active_members(organisation, "party.provider").first()
        if user is None:
            continue
        services.payee_account_save(
            actor=user,
            organisation=organisation,
            account_name=organisation.name,
            bank_name=BANKS[index % len(BANKS)],
            account_number=f"6222{organisation.pk:04d}0200{index:06d}",
        )


def _next_product(programme: ProgrammeYear, organisation: Organisation | None) -> Product | None:
    """The cheapest product on sale, not marketing, that ``organisation`` holds no order for."""
    held = Order.objects.filter(enterprise=organisation, status__in=HOLDING_STATUSES).values("product_id")
    return (
        Product.objects.filter(programme=programme, status=ProductStatus.ON_SALE, vouchers_left__gt=0)
        .exclude(pk__in=held)
        .exclude(direction__code="marketing")
        .order_by("price_amount", "id")
        .first()
    )


def _approved_claim(
    *,
    user: User,
    product: Product,
    reviewer: User,
    moment: dt.datetime,
    placed_at: dt.datetime,
    idempotency_key: str,
    contract_number: int,
) -> Claim:
    """Order ``product`` at ``placed_at``, contract it, claim it and approve the claim on ``moment``."""
    with clock.frozen_at(placed_at):
        order = order_services.order_place(
            actor=user,
            product=product,
            idempotency_key=idempotency_key,
            contact_name=user.display_name or "联系人",
            contact_mobile=user.mobile or "13800138000",
            note="演示订单（兑付）",
        )
    provider = _provider_user(order)
    if provider is None:
        raise LookupError("no provider user")
    with clock.frozen_at(placed_at + dt.timedelta(hours=2)):
        order = order_services.order_accept(actor=provider, order=order)
    with clock.frozen_at(placed_at + dt.timedelta(days=1)):
        contract = contract_services.contract_record(
            actor=provider,
            order=order,
            terms=_terms(order, 1, contract_number),
            counterparty_uscc=order.enterprise.uscc,
        )
        contract = contract_services.contract_confirm(actor=user, contract=contract)
    with clock.frozen_at(moment - dt.timedelta(days=2)):
        claim = claim_services.claim_start(actor=provider, contract=contract)
        claim = _fill(claim, provider)
        claim = claim_services.claim_submit(
            actor=provider, claim=claim, confirmed=True, revision=claim.revision
        )
    with clock.frozen_at(moment):
        claim = claim_services.claim_decide(
            actor=reviewer,
            claim=claim,
            action="approve",
            payout=contract.deduction,
            reason="材料齐全，按合同抵用额度兑付。",
        )
    return claim


def _claims_approved_on(
    moment: dt.datetime, needed: int, *, key: str = "demo-payout-order", enterprises: list[str] = ENTERPRISES
) -> list[Claim]:
    """Orders placed 16 days before ``moment`` for the demo ``enterprises``, contracted, claimed and approved
    on ``moment`` by the reviewer (``key`` starts the orders' idempotency keys)."""
    programme = programme_current()
    reviewer = User.objects.filter(username="reviewer1").first()
    made: list[Claim] = []
    if programme is None or reviewer is None:
        return made
    placed_at = moment - dt.timedelta(days=16)
    for round_ in range(3):
        for username in enterprises:
            if len(made) >= needed:
                return made
            user = User.objects.filter(username=username).select_related("organisation").first()
            if user is None:
                continue
            product = _next_product(programme, user.organisation)
            if product is None:
                continue
            try:
                with transaction.atomic():
                    claim = _approved_claim(
                        user=user,
                        product=product,
                        reviewer=reviewer,
                        moment=moment,
                        placed_at=placed_at,
                        idempotency_key=f"{key}-{username}-{round_}",
                        contract_number=40 + round_ * 10 + len(made),
                    )
                made.append(claim)
            except Exception:  # noqa: S112 — an enterprise without quota or a product without voucher is skipped
                continue
    return made


def seed_payouts() -> list[PayoutBatch]:
    """A paid batch and a batch under notice, through the payout services; nothing is added when the demo
    already has batches."""
    existing = PayoutBatch.objects.order_by("pk")
    if existing.exists():
        return list(existing)
    programme = programme_current()
    admin = User.objects.filter(username="admin").first()
    if programme is None or admin is None:
        return []
    _payees()
    now = clock.now()
    decided = now - dt.timedelta(days=15)
    _claims_approved_on(decided, 2)
    batches: list[PayoutBatch] = []
    earlier = BatchFilters(programme_id=programme.pk, decided_to=decided.date())
    published = now - dt.timedelta(days=12)
    with clock.frozen_at(published):
        try:
            paid = services.payout_batch_create(
                actor=admin, filters=earlier, title=f"{programme.year}年度服务券第一批兑付"
            )
        except ValidationError:  # no claim approved early enough: the demo goes without a paid batch
            paid = None
        if paid is not None:
            paid = services.payout_batch_publish(actor=admin, batch=paid)
    if paid is not None:
        assert paid.notice_ends_on is not None
        with clock.frozen_at(
            max(paid.notice_ends_on + dt.timedelta(days=1), now.date() - dt.timedelta(days=3))
        ):
            paid = services.payout_batch_approve(actor=admin, batch=paid)
            with tempfile.TemporaryFile() as handle:
                services.payout_batch_export(actor=admin, batch=paid, out=handle)
        services.payout_mark_paid(
            actor=admin,
            batch=paid,
            reference=f"GK{now:%Y%m%d}0001",
            paid_on=now.date() - dt.timedelta(days=1),
        )
        paid.refresh_from_db()
        batches.append(paid)
    if Claim.objects.filter(
        programme=programme, status=ClaimStatus.APPROVED, payout_items__isnull=True
    ).exists():
        noticed = services.payout_batch_create(
            actor=admin,
            filters=BatchFilters(programme_id=programme.pk),
            title=f"{programme.year}年度服务券第二批兑付",
        )
        batches.append(services.payout_batch_publish(actor=admin, batch=noticed))
    return batches


__all__ = ["seed_payouts"]

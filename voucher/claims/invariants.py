"""Ledger invariants (issue: reliability): every quota account and voucher count must equal what the
orders, contracts and claims that produced them imply. Used by ``manage.py ledger_check``, the tests
and the launch-day benchmark."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from voucher.catalogue.models import Product
from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.contracts.models import Contract
from voucher.enterprises.models import QuotaAccount
from voucher.orders.choices import HOLDING_STATUSES, OrderStatus
from voucher.orders.models import Order

ZERO = Decimal("0.00")
# A contract's deduction stays committed until its claim is approved (paid), voided or waived (released).
COMMITTED_CLAIM_STATES = {ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.RETURNED}


@dataclass(frozen=True)
class Mismatch:
    subject: str
    rule: str
    recorded: object
    expected: object

    def __str__(self) -> str:
        return f"{self.subject}: {self.rule} — 记录 {self.recorded}，应为 {self.expected}"


def _sums_by_account(rows) -> dict[tuple[int, int], Decimal]:
    return {(r[0], r[1]): r[2] or ZERO for r in rows}


def quota_mismatches() -> list[Mismatch]:
    """Each account's buckets against the orders (reserved), contracts (committed) and claims (paid)."""
    reserved = _sums_by_account(
        Order.objects.filter(
            Q(status=OrderStatus.PLACED) | Q(status=OrderStatus.ACCEPTED, contract__isnull=True)
        )
        .values_list("enterprise_id", "programme_id")
        .annotate(total=Sum("subsidy_estimate"))
    )
    committed: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for enterprise_id, programme_id, deduction, claim_status in Contract.objects.values_list(
        "order__enterprise_id", "order__programme_id", "deduction", "claim__status"
    ):
        if claim_status is None or claim_status in COMMITTED_CLAIM_STATES:
            committed[(enterprise_id, programme_id)] += deduction
    paid = _sums_by_account(
        Claim.objects.filter(status=ClaimStatus.APPROVED)
        .values_list("contract__order__enterprise_id", "contract__order__programme_id")
        .annotate(total=Sum("approved_payout"))
    )
    found: list[Mismatch] = []
    for account in QuotaAccount.objects.select_related("organisation", "programme"):
        key = (account.organisation_id, account.programme_id)
        subject = f"额度账户 {account.organisation} {account.programme.year}"
        expected = {
            "reserved": reserved.get(key, ZERO),
            "committed": committed[key],
            "paid": paid.get(key, ZERO),
        }
        for bucket, value in expected.items():
            if getattr(account, bucket) != value:
                found.append(Mismatch(subject, bucket, getattr(account, bucket), value))
        balance = account.cap - account.reserved - account.committed - account.paid
        if account.available != balance:
            found.append(
                Mismatch(subject, "available = cap − reserved − committed − paid", account.available, balance)
            )
    return found


def voucher_mismatches() -> list[Mismatch]:
    """Each product's vouchers left against the orders holding one."""
    found: list[Mismatch] = []
    for product in Product.objects.annotate(
        held=Count("orders", filter=Q(orders__status__in=HOLDING_STATUSES))
    ):
        expected = product.vouchers_total - product.held if product.vouchers_total else 0
        if product.vouchers_total and product.vouchers_left != expected:
            found.append(Mismatch(f"产品 {product.name}", "vouchers_left", product.vouchers_left, expected))
        if product.held > product.vouchers_total and product.vouchers_total:
            found.append(Mismatch(f"产品 {product.name}", "oversold", product.held, product.vouchers_total))
    return found


def ledger_mismatches() -> list[Mismatch]:
    return quota_mismatches() + voucher_mismatches()

"""Ledger invariants (issue: reliability): every quota account and voucher count must equal what the
orders, contracts, claims and payout batches that produced them imply, and every payout batch must
add up. Used by ``manage.py ledger_check``, the tests and the benchmarks.

The rule: an order's subsidy estimate is reserved until its contract is recorded; the contract's
deduction is committed until its claim is decided; an approved claim keeps its approved payout committed
until a payout batch marks it paid, when it moves to paid (R6, R7). They span every stage up to the
clawbacks, so they live in the oversight stage, the highest one they read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from voucher.catalogue.models import Product
from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.contracts.models import Contract
from voucher.enforcement.models import ClawbackRepayment
from voucher.enterprises.choices import LedgerKind
from voucher.enterprises.models import QuotaAccount, QuotaLedgerEntry
from voucher.orders.choices import HOLDING_STATUSES, OrderStatus
from voucher.orders.models import Order
from voucher.payouts.choices import LIVE_ITEM_STATUSES, BatchStatus, ItemStatus
from voucher.payouts.models import PayoutBatch, PayoutItem

ZERO = Decimal("0.00")
# A contract's deduction stays committed until its claim is approved (reduced to the approved payout),
# voided or waived (released).
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


def _clawed_back() -> tuple[dict[tuple[int, int], Decimal], dict[tuple[int, int], Decimal]]:
    """Per account: what the ledger returned to available through clawbacks (M1), and what the
    quota-restoring clawbacks recorded as repaid — the first can never exceed the second."""
    returned = _sums_by_account(
        QuotaLedgerEntry.objects.filter(kind=LedgerKind.CLAWBACK)
        .values_list("account__organisation_id", "account__programme_id")
        .annotate(total=Sum("amount"))
    )
    repaid = _sums_by_account(
        ClawbackRepayment.objects.filter(clawback__restores_quota=True)
        .values_list("clawback__enterprise_id", "clawback__programme_id")
        .annotate(total=Sum("amount"))
    )
    return returned, repaid


def quota_mismatches() -> list[Mismatch]:
    """Each account's buckets against the orders (reserved), contracts and approved claims not yet paid
    (committed) and the paid payout items less what quota-restoring clawbacks returned (paid)."""
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
    paid_claims = set(PayoutItem.objects.filter(status=ItemStatus.PAID).values_list("claim_id", flat=True))
    for claim_id, enterprise_id, programme_id, payout in Claim.objects.filter(
        status=ClaimStatus.APPROVED
    ).values_list("pk", "contract__order__enterprise_id", "contract__order__programme_id", "approved_payout"):
        if claim_id not in paid_claims:
            committed[(enterprise_id, programme_id)] += payout or ZERO
    paid = _sums_by_account(
        PayoutItem.objects.filter(status=ItemStatus.PAID)
        .values_list("enterprise_id", "batch__programme_id")
        .annotate(total=Sum("amount"))
    )
    returned, repaid = _clawed_back()
    found: list[Mismatch] = []
    for account in QuotaAccount.objects.select_related("organisation", "programme"):
        key = (account.organisation_id, account.programme_id)
        subject = f"额度账户 {account.organisation} {account.programme.year}"
        expected = {
            "reserved": reserved.get(key, ZERO),
            "committed": committed[key],
            "paid": paid.get(key, ZERO) - returned.get(key, ZERO),
        }
        if returned.get(key, ZERO) > repaid.get(key, ZERO):
            found.append(
                Mismatch(subject, "追回恢复的额度 ≤ 已登记的退回金额", returned[key], repaid.get(key, ZERO))
            )
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


def payout_mismatches() -> list[Mismatch]:
    """Each batch's count and total against its live items; each paid item against its claim and the
    batch status; no claim in two live batches."""
    found: list[Mismatch] = []
    live = {
        row["batch_id"]: row
        for row in PayoutItem.objects.filter(status__in=LIVE_ITEM_STATUSES)
        .values("batch_id")
        .annotate(count=Count("id"), total=Sum("amount"))
        .order_by()
    }
    unpaid = set(
        PayoutItem.objects.filter(status__in=[ItemStatus.PENDING, ItemStatus.BLOCKED])
        .values_list("batch_id", flat=True)
        .distinct()
    )
    for batch in PayoutBatch.objects.all():
        subject = f"兑付批次 {batch.number}"
        row = live.get(batch.pk, {"count": 0, "total": ZERO})
        if batch.item_count != row["count"]:
            found.append(Mismatch(subject, "item_count = 明细笔数", batch.item_count, row["count"]))
        if batch.total_amount != (row["total"] or ZERO):
            found.append(Mismatch(subject, "total_amount = 明细金额合计", batch.total_amount, row["total"]))
        if batch.status == BatchStatus.PAID and batch.pk in unpaid:
            found.append(Mismatch(subject, "已支付批次不应有未支付明细", "有", "无"))
    for item in (
        PayoutItem.objects.filter(status=ItemStatus.PAID)
        .exclude(claim__status=ClaimStatus.APPROVED, amount=F("claim__approved_payout"))
        .select_related("claim__order", "batch")
    ):
        found.append(
            Mismatch(
                f"兑付明细 {item.batch.number} · {item.claim.order.number}",
                "已支付金额 = 兑券申请的核定兑付金额（审核通过）",
                item.amount,
                item.claim.approved_payout,
            )
        )
    doubled = (
        PayoutItem.objects.filter(status__in=LIVE_ITEM_STATUSES)
        .values("claim_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by()
    )
    for row in doubled:
        found.append(Mismatch(f"兑券申请 {row['claim_id']}", "至多在一个有效批次中", row["n"], 1))
    return found


def ledger_mismatches() -> list[Mismatch]:
    return quota_mismatches() + voucher_mismatches() + payout_mismatches()

"""Vouchers by product, claims by status and age, and the provider ranking."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
    Sum,
)

from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.core.money import ZERO
from voucher.dashboards.selectors.common import AGE_BUCKETS, OPEN_CLAIM_STATUSES, Filters, _money
from voucher.orders.choices import HOLDING_STATUSES
from voucher.orders.models import Order

# --- vouchers, claims, providers ---------------------------------------------------------------------


@dataclass
class ProductVouchers:
    """Vouchers of one product: issued, held by orders (placed or accepted), left."""

    product_id: int
    name: str
    provider: str
    direction: str
    status: str
    total: int
    ordered: int
    left: int


def _products(filters: Filters) -> QuerySet[Product]:
    products = Product.objects.filter(programme=filters.programme)
    if filters.direction is not None:
        products = products.filter(direction=filters.direction)
    elif filters.field is not None:
        products = products.filter(direction__field=filters.field)
    return products


def vouchers_by_product(filters: Filters) -> list[ProductVouchers]:
    """Every product of the year with its vouchers issued, ordered and left (one query)."""
    rows = (
        _products(filters)
        .exclude(vouchers_total=0)
        .annotate(ordered=Count("orders", filter=Q(orders__status__in=HOLDING_STATUSES)))
        .values(
            "pk",
            "name",
            "provider_name",
            "provider__name",
            "direction__number",
            "direction__name",
            "status",
            "vouchers_total",
            "vouchers_left",
            "ordered",
        )
        .order_by("direction__number", "name", "pk")
    )
    labels = dict(ProductStatus.choices)
    return [
        ProductVouchers(
            product_id=r["pk"],
            name=r["name"],
            provider=r["provider_name"] or r["provider__name"],
            direction=f"{r['direction__number']}. {r['direction__name']}",
            status=str(labels.get(r["status"], r["status"])),
            total=r["vouchers_total"],
            ordered=r["ordered"],
            left=r["vouchers_left"],
        )
        for r in rows
    ]


@dataclass
class StatusRow:
    """Claims of one status: how many, their contracts' deductions and their approved payouts."""

    status: str
    label: str
    count: int
    deduction: Decimal
    approved: Decimal


@dataclass
class AgeRow:
    """Claims awaiting a decision whose submission is between ``low`` and ``high`` days old."""

    label: str
    low: int
    high: int | None
    submitted: int
    returned: int

    @property
    def count(self) -> int:
        return self.submitted + self.returned


def _claims(filters: Filters) -> QuerySet[Claim]:
    claims = Claim.objects.filter(programme=filters.programme)
    if filters.direction is not None:
        claims = claims.filter(order__product__direction=filters.direction)
    elif filters.field is not None:
        claims = claims.filter(order__product__direction__field=filters.field)
    return claims


def claims_by_status(filters: Filters) -> list[StatusRow]:
    """Every claim status with its count and amounts, in the statuses' order (one query)."""
    found = {
        r["status"]: r
        for r in _claims(filters)
        .values("status")
        .annotate(n=Count("id"), deduction=Sum("contract__deduction"), approved=Sum("approved_payout"))
        .order_by()
    }
    return [
        StatusRow(
            status=status.value,
            label=str(status.label),
            count=found.get(status.value, {}).get("n", 0),
            deduction=_money(found.get(status.value, {}).get("deduction")),
            approved=_money(found.get(status.value, {}).get("approved")),
        )
        for status in ClaimStatus
    ]


def claims_by_age(filters: Filters, today: dt.date | None = None) -> list[AgeRow]:
    """Claims awaiting the reviewer (submitted) or the provider (returned), by days since submission."""
    today = today or clock.today()
    # Submitted on day D (Shanghai) is (today − D) days old; the boundaries are local midnights.
    midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=clock.SHANGHAI)
    aggregates: dict[str, Any] = {}
    for i, (_label, low, high) in enumerate(AGE_BUCKETS):
        newest = midnight - dt.timedelta(days=low)
        window = Q(submitted_at__lt=newest)
        if high is not None:
            window &= Q(submitted_at__gte=midnight - dt.timedelta(days=high + 1))
        for status in OPEN_CLAIM_STATUSES:
            aggregates[f"{status.value}_{i}"] = Count("id", filter=window & Q(status=status))
    counts = (
        _claims(filters)
        .filter(status__in=OPEN_CLAIM_STATUSES, submitted_at__isnull=False)
        .aggregate(**aggregates)
    )
    return [
        AgeRow(
            label=label,
            low=low,
            high=high,
            submitted=counts[f"{ClaimStatus.SUBMITTED.value}_{i}"],
            returned=counts[f"{ClaimStatus.RETURNED.value}_{i}"],
        )
        for i, (label, low, high) in enumerate(AGE_BUCKETS)
    ]


@dataclass
class ProviderRow:
    """A provider's volume and rating in the year."""

    provider_id: int
    name: str
    products: int
    orders: int
    contracts: int
    contract_amount: Decimal
    approved: Decimal
    ratings: int
    rating: Decimal | None = None
    rank: int = 0


RANKINGS = {
    "approved": "审核通过兑付金额",
    "contract_amount": "合同金额",
    "orders": "订单数",
    "rating": "评分",
}


def provider_ranking(filters: Filters, sort: str = "approved") -> list[ProviderRow]:
    """Providers of the year ranked by volume (orders, contract amount, approved payout) or rating.

    Rating is the catalogue's: the average of the provider's products' ratings weighted by their number
    of ratings. Four grouped queries whatever the number of providers.
    """
    products = _products(filters)
    rows: dict[int, ProviderRow] = {}

    def row(pk: int, name: str) -> ProviderRow:
        return rows.setdefault(pk, ProviderRow(pk, name, 0, 0, 0, ZERO, ZERO, 0))

    weighted: dict[int, Decimal] = defaultdict(lambda: Decimal(0))
    for p in products.values("provider_id", "provider__name", "rating_count", "rating_average").order_by():
        item = row(p["provider_id"], p["provider__name"])
        item.products += 1
        if p["rating_count"] and p["rating_average"] is not None:
            item.ratings += p["rating_count"]
            weighted[p["provider_id"]] += Decimal(p["rating_average"]) * p["rating_count"]
    orders = Order.objects.filter(programme=filters.programme, product__in=products.values("pk"))
    for r in (
        orders.filter(status__in=HOLDING_STATUSES)
        .values("provider_id", "provider__name")
        .annotate(n=Count("id"))
        .order_by()
    ):
        row(r["provider_id"], r["provider__name"]).orders = r["n"]
    contracts = Contract.objects.filter(order__in=orders.values("pk"))
    for r in (
        contracts.values("provider_id", "provider__name")
        .annotate(n=Count("id"), amount=Sum("total_amount"))
        .order_by()
    ):
        item = row(r["provider_id"], r["provider__name"])
        item.contracts, item.contract_amount = r["n"], _money(r["amount"])
    for r in (
        _claims(filters)
        .filter(status=ClaimStatus.APPROVED)
        .values("provider_id", "provider__name")
        .annotate(total=Sum("approved_payout"))
        .order_by()
    ):
        row(r["provider_id"], r["provider__name"]).approved = _money(r["total"])
    for pk, item in rows.items():
        if item.ratings:
            item.rating = (weighted[pk] / item.ratings).quantize(Decimal("0.01"))
    key = sort if sort in RANKINGS else "approved"

    def sort_key(item: ProviderRow) -> tuple[Any, ...]:
        primary = getattr(item, key)
        return (-(primary if primary is not None else Decimal(-1)), -item.approved, -item.orders, item.name)

    ranked = sorted(rows.values(), key=sort_key)
    for i, item in enumerate(ranked, start=1):
        item.rank = i
    return ranked

"""Figures of the admin dashboard (SPEC M4), read straight from the quota ledger and the claims.

Budget buckets:

* reserved / committed / paid come from the quota ledger. Totals are the sums over the year's
  :class:`QuotaAccount` buckets; breakdowns and the time series come from the ledger entries: each
  entry's change of a bucket is its ``*_after`` balance minus the previous entry's on the same account
  (a window function, in one grouped query), attributed to the order named in the entry's reference
  (its product's direction and field) and to the enterprise's registration district. Summed over all
  entries these changes equal the account buckets, so every breakdown adds up to the totals.
* approved is the sum of ``Claim.approved_payout`` over approved claims, attributed the same way.

Nothing here assumes when the ledger moves a claim to "paid" (at approval or at disbursement): "paid"
is whatever the ledger says, "approved" whatever the reviewers decided.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lag

from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.core.money import FEN, ZERO
from voucher.enterprises.models import QuotaAccount, QuotaLedgerEntry
from voucher.enterprises.uscc import beijing_registration_codes
from voucher.orders.choices import HOLDING_STATUSES
from voucher.orders.models import Order
from voucher.programmes.models import Direction, Field, ProgrammeYear

BUCKETS = ("reserved", "committed", "approved", "paid")
BUCKET_LABELS = {
    "reserved": "已预占",
    "committed": "合同已确认",
    "approved": "审核通过",
    "paid": "已兑付",
}
PERIODS = {"month": "按月", "week": "按周"}
UNKNOWN = ""  # key of the "not attributable" row of a breakdown
UNKNOWN_DIRECTION = "未关联订单"
UNKNOWN_DISTRICT = "未登记区划"
# Claims awaiting a decision, by days since submission: (label, lowest day, highest day or None).
AGE_BUCKETS: list[tuple[str, int, int | None]] = [
    ("7天以内", 0, 7),
    ("8–14天", 8, 14),
    ("15–30天", 15, 30),
    ("30天以上", 31, None),
]
OPEN_CLAIM_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.RETURNED)


def _money(value: Any) -> Decimal:
    """A database sum as a 2-place Decimal (SQLite hands back floats for decimal sums)."""
    if value is None:
        return ZERO
    if isinstance(value, float):
        value = repr(round(value, 2))
    return Decimal(value).quantize(FEN)


@dataclass
class Filters:
    """What the dashboard shows: a programme year, optionally one field or one direction, a period length."""

    programme: ProgrammeYear
    field: Field | None = None
    direction: Direction | None = None
    period: str = "month"

    def direction_ids(self, directions: Iterable[Direction]) -> set[int] | None:
        """The directions in scope, or ``None`` for all (then unattributed movements count too)."""
        if self.direction is not None:
            return {self.direction.pk}
        if self.field is not None:
            return {d.pk for d in directions if d.field_id == self.field.pk}
        return None

    @property
    def filtered(self) -> bool:
        return self.field is not None or self.direction is not None

    def as_query(self) -> dict[str, str]:
        query = {"year": str(self.programme.year), "period": self.period}
        if self.field is not None:
            query["field"] = self.field.code
        if self.direction is not None:
            query["direction"] = self.direction.code
        return query


@dataclass
class BudgetRow:
    """One row of a budget breakdown: the four buckets for a field, direction, district or period."""

    key: str
    label: str
    reserved: Decimal = ZERO
    committed: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    group: str = ""

    def add(self, other: BudgetRow | dict[str, Decimal]) -> None:
        for bucket in BUCKETS:
            value = getattr(other, bucket) if isinstance(other, BudgetRow) else other.get(bucket, ZERO)
            setattr(self, bucket, getattr(self, bucket) + value)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, b) for b in BUCKETS)

    def values(self) -> list[Decimal]:
        return [getattr(self, b) for b in BUCKETS]


@dataclass
class AccountTotals:
    """Sums over the year's quota accounts (the ledger's running totals)."""

    accounts: int
    cap: Decimal
    reserved: Decimal
    committed: Decimal
    paid: Decimal
    available: Decimal


@dataclass
class Period:
    """One step of the time series: [start, end) in Asia/Shanghai."""

    key: str
    label: str
    start: dt.datetime
    end: dt.datetime


@dataclass
class Budget:
    """Every budget figure of one dashboard view."""

    totals: BudgetRow
    accounts: AccountTotals
    by_field: list[BudgetRow]
    by_direction: list[BudgetRow]
    by_district: list[BudgetRow]
    # Balances at the end of each period (approved: cumulative), opening = before the first period.
    series: list[BudgetRow]
    opening: BudgetRow
    ledger_matches_accounts: bool


def periods_of(year: int, period: str) -> list[Period]:
    """The months, or the Monday-to-Sunday weeks, covering the calendar year ``year`` (Asia/Shanghai)."""
    tz = clock.SHANGHAI
    if period == "week":
        first = dt.date(year, 1, 1)
        start = first - dt.timedelta(days=first.weekday())
        out = []
        week = 0
        while start <= dt.date(year, 12, 31):
            end = start + dt.timedelta(days=7)
            week += 1
            out.append(
                Period(
                    key=start.isoformat(),
                    label=f"第{week}周（{start:%m-%d}）",
                    start=dt.datetime.combine(start, dt.time(), tzinfo=tz),
                    end=dt.datetime.combine(end, dt.time(), tzinfo=tz),
                )
            )
            start = end
        return out
    out = []
    for month in range(1, 13):
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        out.append(
            Period(
                key=f"{year}-{month:02d}",
                label=f"{month}月",
                start=dt.datetime(year, month, 1, tzinfo=tz),
                end=dt.datetime.combine(nxt, dt.time(), tzinfo=tz),
            )
        )
    return out


def _period_case(column: str, periods: list[Period]) -> Case:
    """-1 before the first period, i inside period i, len(periods) after the last."""
    whens = [When(**{f"{column}__lt": periods[0].start}, then=Value(-1))]
    whens += [When(**{f"{column}__lt": p.end}, then=Value(i)) for i, p in enumerate(periods)]
    return Case(*whens, default=Value(len(periods)), output_field=IntegerField())


def district_name(code: str | None) -> str:
    if not code:
        return UNKNOWN_DISTRICT
    return beijing_registration_codes().get(code, f"区划 {code}")


GROUPED_CHANGES = (
    "SELECT dir_id, division, per, "
    "SUM(r_now - COALESCE(r_was, 0)), SUM(c_now - COALESCE(c_was, 0)), SUM(p_now - COALESCE(p_was, 0)) "
    "FROM ({inner}) ledger GROUP BY dir_id, division, per"
)


def _ledger_changes(programme: ProgrammeYear, periods: list[Period]) -> list[tuple[Any, ...]]:
    """Bucket changes of every ledger entry of the year, grouped by (direction, district, period)."""
    order = [F("id").asc()]
    by_account = [F("account_id")]

    def previous(column: str) -> Window:
        return Window(Lag(column), partition_by=by_account, order_by=order)

    inner = (
        QuotaLedgerEntry.objects.filter(account__programme=programme)
        .annotate(
            dir_id=Subquery(
                Order.objects.filter(number=OuterRef("reference")).values("product__direction_id")[:1]
            ),
            division=F("account__organisation__authentication__division_code"),
            per=_period_case("at", periods),
            r_now=F("reserved_after"),
            c_now=F("committed_after"),
            p_now=F("paid_after"),
            r_was=previous("reserved_after"),
            c_was=previous("committed_after"),
            p_was=previous("paid_after"),
        )
        .values("dir_id", "division", "per", "r_now", "c_now", "p_now", "r_was", "c_was", "p_was")
        .order_by()
    )
    sql, params = inner.query.sql_with_params()
    # The inner SQL is the ORM's own compilation with its parameters kept apart; nothing user-typed is joined in.
    grouped = GROUPED_CHANGES.replace("{inner}", sql)
    with connection.cursor() as cursor:
        cursor.execute(grouped, params)
        return list(cursor.fetchall())


def _approved_claims(programme: ProgrammeYear, periods: list[Period]) -> QuerySet[Claim, dict[str, Any]]:
    return (
        Claim.objects.filter(programme=programme, status=ClaimStatus.APPROVED)
        .values(
            dir_id=F("order__product__direction_id"),
            division=F("enterprise__authentication__division_code"),
            per=_period_case("decided_at", periods),
        )
        .annotate(total=Sum("approved_payout"))
        .order_by()
    )


def account_totals(programme: ProgrammeYear) -> AccountTotals:
    """Sums over the year's quota accounts (one query)."""
    sums = QuotaAccount.objects.filter(programme=programme).aggregate(
        accounts=Count("id"),
        cap=Sum("cap"),
        reserved=Sum("reserved"),
        committed=Sum("committed"),
        paid=Sum("paid"),
        available=Sum("available"),
    )
    return AccountTotals(
        accounts=sums["accounts"] or 0,
        **{k: _money(sums[k]) for k in ("cap", "reserved", "committed", "paid", "available")},
    )


def approved_total(programme: ProgrammeYear) -> Decimal:
    """Sum of the approved payouts of the year's approved claims (one query)."""
    total = Claim.objects.filter(programme=programme, status=ClaimStatus.APPROVED).aggregate(
        s=Sum("approved_payout")
    )["s"]
    return _money(total)


def directions_of(programme: ProgrammeYear) -> list[Direction]:
    return list(Direction.objects.filter(programme=programme).select_related("field").order_by("number"))


def budget(filters: Filters, directions: list[Direction] | None = None) -> Budget:
    """All budget figures: totals, by field, direction and district, and the time series (4 queries)."""
    programme = filters.programme
    directions = directions if directions is not None else directions_of(programme)
    fields = list(Field.objects.filter(programme=programme).order_by("position"))
    periods = periods_of(programme.year, filters.period)
    in_scope = filters.direction_ids(directions)

    # (direction id, district code, period index) → bucket changes
    cells: dict[tuple[int | None, str, int], dict[str, Decimal]] = defaultdict(
        lambda: {b: ZERO for b in BUCKETS}
    )
    for dir_id, division, per, d_reserved, d_committed, d_paid in _ledger_changes(programme, periods):
        cell = cells[(dir_id, division or UNKNOWN, int(per))]
        cell["reserved"] += _money(d_reserved)
        cell["committed"] += _money(d_committed)
        cell["paid"] += _money(d_paid)
    for row in _approved_claims(programme, periods):
        cells[(row["dir_id"], row["division"] or UNKNOWN, int(row["per"]))]["approved"] += _money(
            row["total"]
        )

    by_dir = {d.pk: d for d in directions}
    totals = BudgetRow("total", "合计")
    field_rows = {f.pk: BudgetRow(f.code, f.name) for f in fields}
    direction_rows = {
        d.pk: BudgetRow(d.code, f"{d.number}. {d.name}", group=d.field.name) for d in directions
    }
    unattributed = BudgetRow(UNKNOWN, UNKNOWN_DIRECTION)
    district_rows: dict[str, BudgetRow] = {}
    opening = BudgetRow("opening", "期初")
    changes = [BudgetRow(p.key, p.label) for p in periods]
    for (dir_id, division, per), cell in cells.items():
        if in_scope is not None and dir_id not in in_scope:
            continue
        totals.add(cell)
        direction = by_dir.get(dir_id) if dir_id is not None else None
        if direction is None:
            unattributed.add(cell)
        else:
            direction_rows[direction.pk].add(cell)
            field_rows[direction.field_id].add(cell)
        district = district_rows.setdefault(division, BudgetRow(division, district_name(division)))
        district.add(cell)
        if per < 0:
            opening.add(cell)
        elif per < len(periods):
            changes[per].add(cell)
    series = []
    running = BudgetRow("running", "")
    running.add(opening)
    for change in changes:
        running.add(change)
        point = BudgetRow(change.key, change.label)
        point.add(running)
        series.append(point)

    accounts = account_totals(programme)
    if filters.field is not None:
        field_list = [field_rows[filters.field.pk]]
    elif filters.direction is not None:
        field_list = [field_rows[filters.direction.field_id]]
    else:
        field_list = list(field_rows.values())
    direction_list = [direction_rows[d.pk] for d in directions if in_scope is None or d.pk in in_scope]
    if not unattributed.empty:
        field_row = BudgetRow(UNKNOWN, UNKNOWN_DIRECTION)
        field_row.add(unattributed)
        field_list.append(field_row)
        direction_list.append(unattributed)
    known = beijing_registration_codes()
    district_list = sorted(
        district_rows.values(), key=lambda r: (r.key not in known, r.key == UNKNOWN, r.key)
    )
    matches = (totals.reserved, totals.committed, totals.paid) == (
        accounts.reserved,
        accounts.committed,
        accounts.paid,
    )
    return Budget(
        totals=totals,
        accounts=accounts,
        by_field=field_list,
        by_direction=direction_list,
        by_district=district_list,
        series=series,
        opening=opening,
        ledger_matches_accounts=filters.filtered or matches,
    )


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


# --- headline (workbench) ----------------------------------------------------------------------------


@dataclass
class Headline:
    """The four headline figures of a year (two queries)."""

    programme: ProgrammeYear
    reserved: Decimal
    committed: Decimal
    approved: Decimal
    paid: Decimal
    accounts: int
    cap: Decimal


def headline(programme: ProgrammeYear) -> Headline:
    accounts = account_totals(programme)
    return Headline(
        programme=programme,
        reserved=accounts.reserved,
        committed=accounts.committed,
        approved=approved_total(programme),
        paid=accounts.paid,
        accounts=accounts.accounts,
        cap=accounts.cap,
    )

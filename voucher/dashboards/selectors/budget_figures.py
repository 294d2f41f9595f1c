"""The budget figures (M4): totals from the year's quota accounts, and breakdowns and the time series
from the ledger entries' changes of each bucket, with the approved payouts of the claims.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
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
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lag

from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.core import clock
from voucher.core.money import ZERO
from voucher.dashboards.selectors.common import (
    BUCKETS,
    UNKNOWN,
    UNKNOWN_DIRECTION,
    UNKNOWN_DISTRICT,
    Filters,
    _money,
)
from voucher.enterprises.models import QuotaAccount, QuotaLedgerEntry
from voucher.enterprises.uscc import beijing_registration_codes
from voucher.orders.models import Order
from voucher.programmes.models import Direction, Field, ProgrammeYear


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


_Cells = dict[tuple[int | None, str, int], dict[str, Decimal]]


def _cells(programme: ProgrammeYear, periods: list[Period]) -> _Cells:
    """The bucket changes of the ledger and the approved payouts, by (direction id, district code, period
    index); a negative index is before the year's first period."""
    cells: _Cells = defaultdict(lambda: {b: ZERO for b in BUCKETS})
    for dir_id, division, per, d_reserved, d_committed, d_paid in _ledger_changes(programme, periods):
        cell = cells[(dir_id, division or UNKNOWN, int(per))]
        cell["reserved"] += _money(d_reserved)
        cell["committed"] += _money(d_committed)
        cell["paid"] += _money(d_paid)
    for row in _approved_claims(programme, periods):
        cells[(row["dir_id"], row["division"] or UNKNOWN, int(row["per"]))]["approved"] += _money(
            row["total"]
        )
    return cells


def _series(opening: BudgetRow, changes: list[BudgetRow]) -> list[BudgetRow]:
    """The running balance at the end of each period, starting from the opening row."""
    series = []
    running = BudgetRow("running", "")
    running.add(opening)
    for change in changes:
        running.add(change)
        point = BudgetRow(change.key, change.label)
        point.add(running)
        series.append(point)
    return series


def _field_and_direction_rows(
    filters: Filters,
    directions: list[Direction],
    in_scope: set[int] | None,
    field_rows: dict[int, BudgetRow],
    direction_rows: dict[int, BudgetRow],
    unattributed: BudgetRow,
) -> tuple[list[BudgetRow], list[BudgetRow]]:
    """The rows shown by field and by direction, within the filter, with the not-attributable row last."""
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
    return field_list, direction_list


def _district_order(district_rows: dict[str, BudgetRow]) -> list[BudgetRow]:
    """Beijing's districts by code, then other registration codes, the unknown district last."""
    known = beijing_registration_codes()
    return sorted(district_rows.values(), key=lambda r: (r.key not in known, r.key == UNKNOWN, r.key))


def budget(filters: Filters, directions: list[Direction] | None = None) -> Budget:
    """All budget figures: totals, by field, direction and district, and the time series (4 queries)."""
    programme = filters.programme
    directions = directions if directions is not None else directions_of(programme)
    fields = list(Field.objects.filter(programme=programme).order_by("position"))
    periods = periods_of(programme.year, filters.period)
    in_scope = filters.direction_ids(directions)

    cells = _cells(programme, periods)

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
    series = _series(opening, changes)

    accounts = account_totals(programme)
    field_list, direction_list = _field_and_direction_rows(
        filters, directions, in_scope, field_rows, direction_rows, unattributed
    )
    district_list = _district_order(district_rows)
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

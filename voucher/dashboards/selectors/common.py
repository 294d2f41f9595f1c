"""Shared pieces of the dashboard figures: bucket and period labels, the filters every figure takes and
money rounding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from voucher.claims.choices import ClaimStatus
from voucher.core.money import FEN, ZERO
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

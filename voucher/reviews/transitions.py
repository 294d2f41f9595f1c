"""The objection state machine as a table (ARCHITECTURE convention 3, SPEC V3)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from voucher.reviews.choices import ObjectionAction as A
from voucher.reviews.choices import ObjectionStatus as S

# (action, from) → to. Everything not listed is refused: a resolution is final.
OBJECTION_TRANSITIONS: dict[tuple[str, str], str] = {
    (A.UPHOLD, S.OPEN): S.UPHELD,
    (A.DISMISS, S.OPEN): S.DISMISSED,
}


def can_move(status: str, action: str) -> bool:
    return (action, status) in OBJECTION_TRANSITIONS


def objection_transition(status: str, action: str) -> str:
    """The status after ``action``, or a ``ValidationError`` naming the current status."""
    try:
        return OBJECTION_TRANSITIONS[(action, status)]
    except KeyError:
        raise ValidationError(
            {"status": f"异议状态为“{S(status).label}”，不能执行“{A(action).label}”。"},
            code="illegal_transition",
        ) from None

"""The order state machine as a table (ARCHITECTURE convention 3)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from voucher.orders.choices import OrderAction as A
from voucher.orders.choices import OrderStatus as S

TRANSITIONS: dict[tuple[str, str], str] = {
    (A.ACCEPT, S.PLACED): S.ACCEPTED,
    (A.DECLINE, S.PLACED): S.DECLINED,
    (A.CANCEL, S.PLACED): S.CANCELLED,
    (A.EXPIRE, S.PLACED): S.EXPIRED,
}

# Moves that give the voucher back to the product and the reservation back to the quota (O6, O7).
RELEASING_ACTIONS = frozenset({A.DECLINE, A.CANCEL, A.EXPIRE})


class IllegalTransition(ValidationError):
    """A move the table does not allow."""


def can_move(status: str, action: str) -> bool:
    return (action, status) in TRANSITIONS


def transition(status: str, action: str) -> str:
    """The status after ``action`` from ``status``, or :class:`IllegalTransition` with a Chinese reason."""
    try:
        return TRANSITIONS[(action, status)]
    except KeyError:
        raise IllegalTransition(
            {"status": f"订单当前状态为“{S(status).label}”，不能{A(action).label}。"},
            code="illegal_transition",
        ) from None

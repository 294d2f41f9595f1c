"""The order state machine as a table (ARCHITECTURE convention 3), moved by :mod:`voucher.core.statemachine`."""

from __future__ import annotations

from voucher.core.statemachine import IllegalTransition, Table
from voucher.orders.choices import OrderAction as A
from voucher.orders.choices import OrderStatus as S
from voucher.orders.permissions import can_cancel_order, can_decide_order

ORDER = Table(
    "orders.order",
    subject="订单",
    states=S,
    actions=A,
    moves={
        (A.ACCEPT, S.PLACED): S.ACCEPTED,
        (A.DECLINE, S.PLACED): S.DECLINED,
        (A.CANCEL, S.PLACED): S.CANCELLED,
        (A.EXPIRE, S.PLACED): S.EXPIRED,
    },
    guards={A.ACCEPT: can_decide_order, A.DECLINE: can_decide_order, A.CANCEL: can_cancel_order},
)

# Moves that give the voucher back to the product and the reservation back to the quota (O6, O7).
RELEASING_ACTIONS = frozenset({A.DECLINE, A.CANCEL, A.EXPIRE})

TRANSITIONS = ORDER.moves
can_move = ORDER.can_move
transition = ORDER.transition

__all__ = ["ORDER", "RELEASING_ACTIONS", "TRANSITIONS", "IllegalTransition", "can_move", "transition"]

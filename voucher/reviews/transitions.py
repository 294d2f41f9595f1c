"""The objection state machine as a table (ARCHITECTURE convention 3, SPEC V3).

Everything not listed is refused: a resolution is final.
"""

from __future__ import annotations

from voucher.core.statemachine import Table
from voucher.reviews.choices import ObjectionAction as A
from voucher.reviews.choices import ObjectionStatus as S

OBJECTION = Table(
    "reviews.objection",
    subject="异议",
    states=S,
    actions=A,
    moves={
        (A.UPHOLD, S.OPEN): S.UPHELD,
        (A.DISMISS, S.OPEN): S.DISMISSED,
    },
)

OBJECTION_TRANSITIONS = OBJECTION.moves
can_move = OBJECTION.can_move
objection_transition = OBJECTION.transition

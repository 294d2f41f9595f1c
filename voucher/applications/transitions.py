"""The application state machine as a table (ARCHITECTURE convention 3, SPEC P3/P4, V2)."""

from __future__ import annotations

from voucher.applications.choices import ApplicationAction as A
from voucher.applications.choices import ApplicationStatus as S
from voucher.core.statemachine import IllegalTransition, Table

APPLICATION = Table(
    "applications.application",
    subject="申报",
    states=S,
    actions=A,
    moves={
        (A.SUBMIT, S.DRAFT): S.SUBMITTED,
        (A.SUBMIT, S.RETURNED): S.SUBMITTED,
        (A.APPROVE, S.SUBMITTED): S.APPROVED,
        (A.RETURN, S.SUBMITTED): S.RETURNED,
        (A.REJECT, S.SUBMITTED): S.REJECTED,
    },
)

# The provider may change the form and its materials only in these statuses (P3: locked after submit).
EDITABLE_STATUSES = frozenset({S.DRAFT, S.RETURNED})

TRANSITIONS = APPLICATION.moves
can_move = APPLICATION.can_move
transition = APPLICATION.transition

__all__ = ["APPLICATION", "EDITABLE_STATUSES", "TRANSITIONS", "IllegalTransition", "can_move", "transition"]

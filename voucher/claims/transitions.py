"""The claim state machine as a table (ARCHITECTURE convention 3).

A draft (or a claim returned for supplementary material) is edited and submitted by the provider; the
submission (完成服务) is irreversible. A returned claim is submitted again; a claim is returned at most
once (checked by the service). A draft or returned claim can be waived by the provider's statement or,
when the claim period ends, by the sweeper (R5).
"""

from __future__ import annotations

from voucher.claims.choices import ClaimAction as A
from voucher.claims.choices import ClaimStatus as S
from voucher.core.statemachine import IllegalTransition, Table

CLAIM = Table(
    "claims.claim",
    subject="兑券申请",
    states=S,
    actions=A,
    moves={
        (A.EDIT, S.DRAFT): S.DRAFT,
        (A.EDIT, S.RETURNED): S.RETURNED,
        (A.SUBMIT, S.DRAFT): S.SUBMITTED,
        (A.SUBMIT, S.RETURNED): S.SUBMITTED,
        (A.WAIVE, S.DRAFT): S.WAIVED,
        (A.WAIVE, S.RETURNED): S.WAIVED,
        (A.EXPIRE, S.DRAFT): S.WAIVED,
        (A.EXPIRE, S.RETURNED): S.WAIVED,
        (A.APPROVE, S.SUBMITTED): S.APPROVED,
        (A.RETURN, S.SUBMITTED): S.RETURNED,
        (A.VOID, S.SUBMITTED): S.VOIDED,
    },
)

TRANSITIONS = CLAIM.moves
can_move = CLAIM.can_move
transition = CLAIM.transition

__all__ = ["CLAIM", "TRANSITIONS", "IllegalTransition", "can_move", "transition"]

"""The contract state machine as a table (ARCHITECTURE convention 3).

An amendment (by the provider, before the claim is filed) always returns the contract to
"待企业确认": the enterprise confirms the changed terms again. After re-confirmation a contract
that had been completed is completed again by the enterprise; its rating is kept.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from voucher.contracts.choices import ContractAction as A
from voucher.contracts.choices import ContractStatus as S

TRANSITIONS: dict[tuple[str, str], str] = {
    (A.CONFIRM, S.RECORDED): S.CONFIRMED,
    (A.AMEND, S.RECORDED): S.RECORDED,
    (A.AMEND, S.CONFIRMED): S.RECORDED,
    (A.AMEND, S.COMPLETED): S.RECORDED,
    (A.COMPLETE, S.CONFIRMED): S.COMPLETED,
}


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
            {
                "status": ValidationError(
                    f"合同当前状态为“{S(status).label}”，不能{A(action).label}。", code="illegal_transition"
                )
            }
        ) from None

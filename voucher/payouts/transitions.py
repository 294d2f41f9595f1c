"""The payout batch state machine as a table (ARCHITECTURE convention 3, SPEC R7).

draft → noticed (public notice) → approved for disbursement (after the period, no open objections) →
exported (payment file) → partly paid / paid. A draft can be cancelled. ``pay`` leads to 部分已支付; the
service moves the batch on to 已支付 when no unpaid item remains. A payment file may be exported again
until the first payment is recorded.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from voucher.payouts.choices import BatchAction as A
from voucher.payouts.choices import BatchStatus as S

TRANSITIONS: dict[tuple[str, str], str] = {
    (A.EDIT, S.DRAFT): S.DRAFT,
    (A.PUBLISH, S.DRAFT): S.NOTICED,
    (A.CANCEL, S.DRAFT): S.CANCELLED,
    (A.APPROVE, S.NOTICED): S.APPROVED,
    (A.EXPORT, S.APPROVED): S.EXPORTED,
    (A.EXPORT, S.EXPORTED): S.EXPORTED,
    (A.PAY, S.EXPORTED): S.PARTLY_PAID,
    (A.PAY, S.PARTLY_PAID): S.PARTLY_PAID,
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
                    f"兑付批次当前状态为“{S(status).label}”，不能{A(action).label}。",
                    code="illegal_transition",
                )
            }
        ) from None

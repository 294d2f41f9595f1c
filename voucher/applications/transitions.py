"""The application state machine as a table (ARCHITECTURE convention 3, SPEC P3/P4, V2)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from voucher.applications.choices import ApplicationAction as A
from voucher.applications.choices import ApplicationStatus as S

# (action, from) → to. Everything not listed is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (A.SUBMIT, S.DRAFT): S.SUBMITTED,
    (A.SUBMIT, S.RETURNED): S.SUBMITTED,
    (A.APPROVE, S.SUBMITTED): S.APPROVED,
    (A.RETURN, S.SUBMITTED): S.RETURNED,
    (A.REJECT, S.SUBMITTED): S.REJECTED,
}

# The provider may change the form and its materials only in these statuses (P3: locked after submit).
EDITABLE_STATUSES = frozenset({S.DRAFT, S.RETURNED})


class IllegalTransition(ValidationError):
    """A move the table does not allow; reported as a 422 with a Chinese sentence."""


def can_move(status: str, action: str) -> bool:
    return (action, status) in TRANSITIONS


def transition(status: str, action: str) -> str:
    """The status after ``action`` from ``status``, or :class:`IllegalTransition`."""
    try:
        return TRANSITIONS[(action, status)]
    except KeyError:
        raise IllegalTransition(
            {"status": f"当前状态为“{S(status).label}”，不能执行“{A(action).label}”。"},
            code="illegal_transition",
        ) from None

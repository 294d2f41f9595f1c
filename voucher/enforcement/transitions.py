"""The clawback and spot-check state machines as tables (ARCHITECTURE convention 3, SPEC M1, M2).

A clawback is open until the money is returned in full (in one or more repayments) or the Bureau waives
the rest (核销); both are final. A spot check closes when every item has a finding.
"""

from __future__ import annotations

from voucher.core.statemachine import Table
from voucher.enforcement.choices import ClawbackAction, ClawbackStatus, SpotCheckAction, SpotCheckStatus

CLAWBACK = Table(
    "enforcement.clawback",
    subject="资金追回",
    states=ClawbackStatus,
    actions=ClawbackAction,
    moves={
        (ClawbackAction.REPAY_PART, ClawbackStatus.OPEN): ClawbackStatus.PARTLY_REPAID,
        (ClawbackAction.REPAY_PART, ClawbackStatus.PARTLY_REPAID): ClawbackStatus.PARTLY_REPAID,
        (ClawbackAction.REPAY_IN_FULL, ClawbackStatus.OPEN): ClawbackStatus.REPAID,
        (ClawbackAction.REPAY_IN_FULL, ClawbackStatus.PARTLY_REPAID): ClawbackStatus.REPAID,
        (ClawbackAction.WAIVE, ClawbackStatus.OPEN): ClawbackStatus.WAIVED,
        (ClawbackAction.WAIVE, ClawbackStatus.PARTLY_REPAID): ClawbackStatus.WAIVED,
    },
)

SPOT_CHECK = Table(
    "enforcement.spot_check",
    subject="抽查",
    states=SpotCheckStatus,
    actions=SpotCheckAction,
    moves={(SpotCheckAction.CLOSE, SpotCheckStatus.OPEN): SpotCheckStatus.CLOSED},
)

"""The contract state machine as a table (ARCHITECTURE convention 3).

An amendment (by the provider, before the claim is filed) always returns the contract to
"待企业确认": the enterprise confirms the changed terms again. After re-confirmation a contract
that had been completed is completed again by the enterprise; its rating is kept.
"""

from __future__ import annotations

from voucher.contracts.choices import ContractAction as A
from voucher.contracts.choices import ContractStatus as S
from voucher.contracts.permissions import can_amend_contract, can_complete_contract, can_confirm_contract
from voucher.core.statemachine import IllegalTransition, Table

CONTRACT = Table(
    "contracts.contract",
    subject="合同",
    states=S,
    actions=A,
    moves={
        (A.CONFIRM, S.RECORDED): S.CONFIRMED,
        (A.AMEND, S.RECORDED): S.RECORDED,
        (A.AMEND, S.CONFIRMED): S.RECORDED,
        (A.AMEND, S.COMPLETED): S.RECORDED,
        (A.COMPLETE, S.CONFIRMED): S.COMPLETED,
    },
    guards={A.CONFIRM: can_confirm_contract, A.AMEND: can_amend_contract, A.COMPLETE: can_complete_contract},
)

TRANSITIONS = CONTRACT.moves
can_move = CONTRACT.can_move
transition = CONTRACT.transition

__all__ = ["CONTRACT", "TRANSITIONS", "IllegalTransition", "can_move", "transition"]

"""The contract state table: every legal move, and every illegal move refused."""

from __future__ import annotations

import itertools

import pytest

from voucher.contracts.choices import ContractAction, ContractStatus
from voucher.contracts.transitions import TRANSITIONS, IllegalTransition, can_move, transition

ALL = list(itertools.product(ContractStatus.values, ContractAction.values))


@pytest.mark.parametrize(("status", "action"), [(s, a) for s, a in ALL if (a, s) in TRANSITIONS])
def test_legal_moves(status, action):
    assert can_move(status, action)
    assert transition(status, action) == TRANSITIONS[(action, status)]


@pytest.mark.parametrize(("status", "action"), [(s, a) for s, a in ALL if (a, s) not in TRANSITIONS])
def test_every_illegal_move_is_refused(status, action):
    assert not can_move(status, action)
    with pytest.raises(IllegalTransition) as exc:
        transition(status, action)
    assert exc.value.error_dict["status"][0].code == "illegal_transition"


def test_an_amendment_always_asks_the_enterprise_to_confirm_again():
    for status in ContractStatus.values:
        if can_move(status, ContractAction.AMEND):
            assert transition(status, ContractAction.AMEND) == ContractStatus.RECORDED

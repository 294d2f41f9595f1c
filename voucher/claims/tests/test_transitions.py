"""The claim state table: every move not in the table is refused, for every status and action."""

from __future__ import annotations

import pytest

from voucher.claims.choices import ClaimAction, ClaimStatus
from voucher.claims.transitions import TRANSITIONS, IllegalTransition, can_move, transition

ILLEGAL = [(s, a) for s in ClaimStatus for a in ClaimAction if (a, s) not in TRANSITIONS]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_every_illegal_move_is_refused(status, action):
    assert not can_move(status, action)
    with pytest.raises(IllegalTransition) as info:
        transition(status, action)
    assert info.value.error_dict["status"][0].code == "illegal_transition"


@pytest.mark.parametrize(("key", "target"), list(TRANSITIONS.items()))
def test_every_legal_move_leads_where_the_table_says(key, target):
    action, status = key
    assert transition(status, action) == target


def test_r4_submitted_and_final_claims_cannot_be_edited_or_resubmitted():
    for status in (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.VOIDED, ClaimStatus.WAIVED):
        assert not can_move(status, ClaimAction.EDIT)
        assert not can_move(status, ClaimAction.SUBMIT)
        assert not can_move(status, ClaimAction.WAIVE)

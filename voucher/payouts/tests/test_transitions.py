"""The batch state machine: every (status, action) pair is either in the table or refused with a reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from voucher.payouts.choices import BatchAction, BatchStatus
from voucher.payouts.transitions import TRANSITIONS, can_move, transition

PAIRS = [(s, a) for s in BatchStatus.values for a in BatchAction.values]


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_every_move_is_allowed_by_the_table_or_refused(status, action):
    if (action, status) in TRANSITIONS:
        assert can_move(status, action)
        assert transition(status, action) == TRANSITIONS[(action, status)]
    else:
        assert not can_move(status, action)
        with pytest.raises(ValidationError) as info:
            transition(status, action)
        assert info.value.error_dict["status"][0].code == "illegal_transition"


def test_paid_and_cancelled_are_final():
    for final in (BatchStatus.PAID, BatchStatus.CANCELLED):
        assert not any(can_move(final, a) for a in BatchAction.values)


def test_the_path_from_draft_to_paid():
    status = BatchStatus.DRAFT
    for action in (BatchAction.PUBLISH, BatchAction.APPROVE, BatchAction.EXPORT, BatchAction.PAY):
        status = transition(status, action)
    assert status == BatchStatus.PARTLY_PAID  # the service finishes at 已支付 when nothing is left unpaid

"""The payout batch and payout item state machines as tables (ARCHITECTURE convention 3, SPEC R7).

Batch: draft → noticed (public notice) → approved for disbursement (after the period, no open objections)
→ exported (payment file) → partly paid → paid. A draft can be cancelled. ``pay`` leads to 部分已支付;
``settle`` moves the batch on to 已支付 when no unpaid item remains. A payment file may be exported again
until the first payment is recorded.

Item: pending ⇄ blocked while an objection concerns it; paid once; removed (from a draft, by a cancelled
batch or by an upheld objection) while it is unpaid.
"""

from __future__ import annotations

from voucher.core.statemachine import IllegalTransition, Table
from voucher.payouts.choices import BatchAction as A
from voucher.payouts.choices import BatchStatus as S
from voucher.payouts.choices import ItemAction, ItemStatus

BATCH = Table(
    "payouts.batch",
    subject="兑付批次",
    states=S,
    actions=A,
    moves={
        (A.EDIT, S.DRAFT): S.DRAFT,
        (A.PUBLISH, S.DRAFT): S.NOTICED,
        (A.CANCEL, S.DRAFT): S.CANCELLED,
        (A.APPROVE, S.NOTICED): S.APPROVED,
        (A.EXPORT, S.APPROVED): S.EXPORTED,
        (A.EXPORT, S.EXPORTED): S.EXPORTED,
        (A.PAY, S.EXPORTED): S.PARTLY_PAID,
        (A.PAY, S.PARTLY_PAID): S.PARTLY_PAID,
        (A.SETTLE, S.PARTLY_PAID): S.PAID,
    },
)

ITEM = Table(
    "payouts.item",
    subject="兑付明细",
    states=ItemStatus,
    actions=ItemAction,
    moves={
        (ItemAction.BLOCK, ItemStatus.PENDING): ItemStatus.BLOCKED,
        (ItemAction.BLOCK, ItemStatus.BLOCKED): ItemStatus.BLOCKED,
        (ItemAction.UNBLOCK, ItemStatus.BLOCKED): ItemStatus.PENDING,
        (ItemAction.PAY, ItemStatus.PENDING): ItemStatus.PAID,
        (ItemAction.REMOVE, ItemStatus.PENDING): ItemStatus.REMOVED,
        (ItemAction.REMOVE, ItemStatus.BLOCKED): ItemStatus.REMOVED,
    },
)

TRANSITIONS = BATCH.moves
can_move = BATCH.can_move
transition = BATCH.transition

__all__ = ["BATCH", "ITEM", "TRANSITIONS", "IllegalTransition", "can_move", "transition"]

"""The contract stage's figure in the order list (合同抵用额), registered with the orders layer."""

from __future__ import annotations

from django.db.models import F, Q

from voucher.orders.selectors import StageFigure, register_stage_figure

register_stage_figure(
    "contract",
    StageFigure(
        rank=10,
        label="合同抵用额",
        amount=lambda: F("contract__deduction"),
        reached=lambda: Q(contract__isnull=False),
    ),
)

"""The claim stage's figure in the order list (核定兑付), registered with the orders layer."""

from __future__ import annotations

from django.db.models import F

from voucher.orders.selectors import StageFigure, register_stage_figure

register_stage_figure(
    "approved", StageFigure(rank=20, label="核定兑付", amount=lambda: F("claim__approved_payout"))
)

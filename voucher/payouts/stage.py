"""The payout stage's figure in the order list (已兑付), registered with the orders layer."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery, Sum

from voucher.core.models import MoneyField
from voucher.orders.selectors import StageFigure, register_stage_figure
from voucher.payouts.choices import ItemStatus
from voucher.payouts.models import PayoutItem


def paid_amount() -> Subquery:
    """The amount paid out for the order's claim (``None`` until its payout item is marked paid)."""
    paid = PayoutItem.objects.filter(claim__order=OuterRef("pk"), status=ItemStatus.PAID)
    return Subquery(
        paid.values("claim").annotate(total=Sum("amount")).values("total")[:1], output_field=MoneyField()
    )


register_stage_figure("paid", StageFigure(rank=30, label="已兑付", amount=paid_amount))

"""Order statuses and actions (SPEC O4–O7)."""

from django.db import models


class OrderStatus(models.TextChoices):
    PLACED = "placed", "待接单"
    ACCEPTED = "accepted", "已接单"
    DECLINED = "declined", "已拒单"
    CANCELLED = "cancelled", "已取消"
    EXPIRED = "expired", "超时未接单"


class OrderAction(models.TextChoices):
    ACCEPT = "accept", "接单"
    DECLINE = "decline", "拒单"
    CANCEL = "cancel", "取消订单"
    EXPIRE = "expire", "超时取消"


# Orders in these statuses still hold a voucher and a quota reservation.
OPEN_STATUSES = (OrderStatus.PLACED,)
# Orders that hold the voucher (the acceptance keeps it; later stages build on accepted orders).
HOLDING_STATUSES = (OrderStatus.PLACED, OrderStatus.ACCEPTED)

"""Voucher orders (SPEC O2–O8): one enterprise, one product, one voucher, a quota reservation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from voucher.accounts.models import Organisation
from voucher.catalogue.models import Product
from voucher.core.models import MoneyField
from voucher.orders.choices import HOLDING_STATUSES, OrderStatus
from voucher.programmes.models import ProgrammeYear


class OrderQuerySet(models.QuerySet["Order"]):
    def holding(self) -> OrderQuerySet:
        """Orders that hold a voucher and a reservation: placed or accepted (O3, O4)."""
        return self.filter(status__in=HOLDING_STATUSES)

    def submitted(self, *, enterprise: Any, key: str) -> OrderQuerySet:
        """The enterprise's order submitted with idempotency key ``key`` (at most one, O2).

        ``enterprise`` is its id or an expression (``OuterRef``) for one."""
        return self.filter(enterprise_id=enterprise, idempotency_key=key)


class Order(models.Model):
    """An enterprise's order for a product, holding one voucher and a subsidy reservation until it
    is accepted, or released exactly once when declined, cancelled or left unaccepted (O6, O7)."""

    number = models.CharField("系统订单编号", max_length=24, unique=True)
    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.PROTECT, related_name="orders"
    )
    product = models.ForeignKey(
        Product, verbose_name="配券产品", on_delete=models.PROTECT, related_name="orders"
    )
    enterprise = models.ForeignKey(
        Organisation, verbose_name="下单企业", on_delete=models.PROTECT, related_name="orders"
    )
    provider = models.ForeignKey(
        Organisation, verbose_name="服务商", on_delete=models.PROTECT, related_name="received_orders"
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="下单人", on_delete=models.PROTECT, related_name="+"
    )
    ordered_at = models.DateTimeField("系统下单时间", db_index=True)
    idempotency_key = models.CharField("提交标识", max_length=64)
    status = models.CharField("状态", max_length=10, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    listed_price = MoneyField("下单时产品价格（元）")
    subsidy_estimate = MoneyField("预占补贴额度（元）")
    acceptance_deadline = models.DateField("接单截止日")
    contact_name = models.CharField("企业联系人", max_length=60)
    contact_mobile = models.CharField("联系人手机", max_length=11)
    note = models.CharField("需求说明", max_length=300, blank=True)
    decided_at = models.DateTimeField("接单/拒单时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decline_reason = models.CharField("拒单原因", max_length=300, blank=True)
    closed_at = models.DateTimeField("取消/失效时间", null=True, blank=True)
    released_at = models.DateTimeField("额度与服务券退回时间", null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = "服务券订单"
        verbose_name_plural = "服务券订单"
        ordering = ["-ordered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "idempotency_key"], name="order_unique_submission"),
            models.CheckConstraint(
                condition=models.Q(subsidy_estimate__gt=0), name="order_estimate_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in OrderStatus]), name="order_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "acceptance_deadline"]),
            models.Index(fields=["enterprise", "product", "status"]),
            models.Index(fields=["provider", "status"]),
        ]

    def __str__(self) -> str:
        return self.number

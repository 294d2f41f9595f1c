"""Oversight records: sanctions for violations (SPEC M5, E7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from voucher.accounts.models import Organisation
from voucher.enforcement.choices import ViolationKind


class Sanction(models.Model):
    """A violation recorded against one organisation (enterprise or provider) and its ban.

    The ban runs from ``starts_on`` (the decision date) to ``ends_on`` inclusive — the day before the
    same date ``sanction_years`` later. While it runs, the organisation's orders, product applications
    and claims are refused with :attr:`reason`. Lifting early needs an admin and a reason.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="被处理单位", on_delete=models.PROTECT, related_name="sanctions"
    )
    kind = models.CharField("违规类型", max_length=20, choices=ViolationKind.choices)
    facts = models.TextField("违规事实")
    starts_on = models.DateField("处理决定日（禁入开始）")
    ends_on = models.DateField("禁入截止日（含）")
    decided_at = models.DateTimeField("记录时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField("解除时间", null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="解除人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lift_reason = models.TextField("解除理由", blank=True)

    class Meta:
        verbose_name = "违规处理"
        verbose_name_plural = "违规处理"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ViolationKind]), name="sanction_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="sanction_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""), name="sanction_lift_needs_reason"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_kind_display()}"

    @property
    def reason(self) -> str:
        """The sentence shown to the sanctioned party wherever it is refused."""
        return (
            f"因“{self.get_kind_display()}”，自 {self.starts_on:%Y-%m-%d} 起至 {self.ends_on:%Y-%m-%d} "
            "不得领用、兑付服务券或申报配券产品。"
        )

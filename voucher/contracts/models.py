"""Service contracts (SPEC C1–C6) and satisfaction ratings (C7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Round
from django.db.models.lookups import Exact

from voucher.accounts.models import Organisation
from voucher.catalogue.models import Product
from voucher.contracts.choices import SCORE_MAX, SCORE_MIN, ContractStatus
from voucher.core.models import MoneyField
from voucher.orders.models import Order
from voucher.programmes.models import ProgrammeYear


class Contract(models.Model):
    """The service contract of one accepted order, as recorded by the provider.

    It states the voucher deduction (服务券抵用额度) and the enterprise's own payment (企业自付额度);
    recording it replaces the order's quota reservation by a commitment of the deduction.
    """

    order = models.OneToOneField(
        Order, verbose_name="订单", on_delete=models.PROTECT, related_name="contract"
    )
    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        Product, verbose_name="服务产品", on_delete=models.PROTECT, related_name="contracts"
    )
    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业（甲方）", on_delete=models.PROTECT, related_name="contracts"
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name="服务商（乙方）",
        on_delete=models.PROTECT,
        related_name="provided_contracts",
    )
    number = models.CharField("合同编号", max_length=60)
    total_amount = MoneyField("合同总金额（元）")
    signed_on = models.DateField("合同签订日期")
    service_start = models.DateField("服务开始日期")
    service_end = models.DateField("服务结束日期")
    subsidisable_amount = MoneyField("可补贴金额（元）")
    annualised = models.BooleanField("按年折算", default=False)
    max_deduction = MoneyField("服务券抵用额度上限（元）")
    deduction = MoneyField("服务券抵用额度（元）")
    own_payment = MoneyField("企业自付额度（元）")
    status = models.CharField(
        "状态", max_length=10, choices=ContractStatus.choices, default=ContractStatus.RECORDED
    )
    recorded_at = models.DateTimeField("录入时间（服务商确认）")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    enterprise_confirmed_at = models.DateTimeField("企业确认时间", null=True, blank=True)
    enterprise_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="企业确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField("确认服务完成时间", null=True, blank=True)
    amended_at = models.DateTimeField("最近变更时间", null=True, blank=True)
    amendment_count = models.PositiveIntegerField("变更次数", default=0)
    amendment_reason = models.CharField("最近变更原因", max_length=300, blank=True)
    claim_locked_at = models.DateTimeField("兑券申请锁定时间", null=True, blank=True)

    class Meta:
        verbose_name = "服务合同"
        verbose_name_plural = "服务合同"
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "number"], name="contract_number_unique_per_provider"
            ),
            models.CheckConstraint(condition=Q(total_amount__gt=0), name="contract_total_positive"),
            models.CheckConstraint(condition=Q(deduction__gt=0), name="contract_deduction_positive"),
            models.CheckConstraint(
                condition=Q(deduction__lte=F("max_deduction")), name="contract_deduction_within_maximum"
            ),
            models.CheckConstraint(
                condition=Q(deduction__lte=F("subsidisable_amount")),
                name="contract_deduction_within_subsidisable",
            ),
            models.CheckConstraint(condition=Q(own_payment__gte=0), name="contract_own_payment_not_negative"),
            # own payment = total − deduction; rounded to the fen because SQLite keeps decimals as floats.
            models.CheckConstraint(
                condition=Exact(Round(F("total_amount") - F("deduction") - F("own_payment"), 2), Value(0)),
                name="contract_own_payment_is_total_minus_deduction",
            ),
            models.CheckConstraint(
                condition=Q(service_end__gte=F("service_start")), name="contract_service_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ContractStatus]), name="contract_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "status"]),
            models.Index(fields=["provider", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number}（订单 {self.order.number}）"

    @property
    def is_claim_locked(self) -> bool:
        return self.claim_locked_at is not None


class Rating(models.Model):
    """The enterprise's satisfaction rating of a completed service (C7), with the provider's one reply."""

    contract = models.OneToOneField(
        Contract, verbose_name="合同", on_delete=models.PROTECT, related_name="rating"
    )
    product = models.ForeignKey(
        Product, verbose_name="产品", on_delete=models.PROTECT, related_name="ratings"
    )
    quality = models.PositiveSmallIntegerField("服务质量")
    responsiveness = models.PositiveSmallIntegerField("响应及时性")
    expertise = models.PositiveSmallIntegerField("专业能力")
    overall = models.PositiveSmallIntegerField("总体满意度")
    comment = models.TextField("评价内容", max_length=500, blank=True)
    rated_at = models.DateTimeField("评价时间")
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评价人", on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField("修改时间", null=True, blank=True)
    editable_until = models.DateTimeField("可修改截止时间")
    reply = models.TextField("服务商回复", max_length=500, blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "满意度评价"
        verbose_name_plural = "满意度评价"
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__gte": SCORE_MIN}) & Q(**{f"{name}__lte": SCORE_MAX}),
                name=f"rating_{name}_between_1_and_5",
            )
            for name in ("quality", "responsiveness", "expertise", "overall")
        ]
        indexes = [models.Index(fields=["product", "rated_at"])]

    def __str__(self) -> str:
        return f"{self.product} · {self.overall} 分"

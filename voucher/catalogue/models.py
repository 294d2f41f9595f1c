"""Products that passed review (配券产品): what enterprises browse and order (SPEC V3, V4, O1, O3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from voucher.accounts.models import Organisation
from voucher.applications.models import Application
from voucher.catalogue.choices import ProductStatus
from voucher.core.models import MoneyField, TimeStampedModel
from voucher.programmes.models import Direction, DirectionSubtype, ProgrammeYear


class Product(TimeStampedModel):
    """An approved application turned into a listed product.

    ``vouchers_left`` is the hot counter of launch day: it only changes through the ordering
    services, with a conditional update, and the database refuses a negative count or more
    vouchers left than were issued.
    """

    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.PROTECT, related_name="products"
    )
    application = models.OneToOneField(
        Application, verbose_name="申报", on_delete=models.PROTECT, related_name="product"
    )
    provider = models.ForeignKey(
        Organisation, verbose_name="服务商", on_delete=models.PROTECT, related_name="products"
    )
    direction = models.ForeignKey(
        Direction, verbose_name="方向", on_delete=models.PROTECT, related_name="products"
    )
    subtype = models.ForeignKey(
        DirectionSubtype,
        verbose_name="子类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    product_line = models.CharField("产品线", max_length=40, blank=True)
    name = models.CharField("产品名称", max_length=200)
    provider_name = models.CharField("服务商名称", max_length=200, default="", blank=True)
    summary = models.TextField("产品简介")
    pricing_basis = models.TextField("定价依据")
    price_amount = MoneyField("价格（元）")
    price_unit = models.CharField("价格单位", max_length=20, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ProductStatus.choices, default=ProductStatus.NOTICED, db_index=True
    )
    vouchers_total = models.PositiveIntegerField("服务券数量", default=0)
    vouchers_left = models.PositiveIntegerField("剩余服务券", default=0)
    on_sale_at = models.DateTimeField("上线时间", null=True, blank=True)
    rating_count = models.PositiveIntegerField("评价数", default=0)
    rating_average = models.DecimalField("平均评分", max_digits=3, decimal_places=2, null=True, blank=True)
    ready_at = models.DateTimeField("转为待上线时间", null=True, blank=True)
    on_sale_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上线操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField("下架时间", null=True, blank=True)
    withdrawn_reason = models.TextField("下架原因", blank=True)

    class Meta:
        verbose_name = "配券产品"
        verbose_name_plural = "配券产品"
        ordering = ["direction__number", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vouchers_left__gte=0), name="product_vouchers_left_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(vouchers_left__lte=models.F("vouchers_total")),
                name="product_vouchers_left_within_total",
            ),
            models.CheckConstraint(condition=models.Q(price_amount__gt=0), name="product_price_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ProductStatus]), name="product_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["programme", "status", "direction"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_orderable(self) -> bool:
        return self.status == ProductStatus.ON_SALE and self.vouchers_left > 0

    @property
    def price_display(self) -> str:
        """The price as people read it: thousands separators, its unit (``100,000 元/年``)."""
        places = 0 if self.price_amount == self.price_amount.to_integral() else 2
        amount = f"{self.price_amount:,.{places}f}"
        return f"{amount} 元/{self.price_unit}" if self.price_unit else f"{amount} 元"

"""Product applications (配券产品申报), their materials and automatic checks (SPEC P1–P11, K1–K6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from voucher.accounts.models import Organisation
from voucher.applications.choices import (
    IP_SALES_FLAGS,
    NOT_APPLICABLE,
    ApplicationStatus,
    CheckOutcome,
    MaterialKind,
    MaterialScope,
)
from voucher.applications.rules import product_lines
from voucher.core.models import MoneyField, TimeStampedModel
from voucher.core.readable import evidence_text
from voucher.core.uploads import opaque_upload_name
from voucher.programmes.models import Direction, DirectionSubtype, ProgrammeYear


class ProviderDossier(TimeStampedModel):
    """A provider's year-level application data (annex 2-1 §一 and guide §三) beyond the 企业信息 profile.

    Holds the detailed introduction (counted against ``provider_intro_min_chars``), last year's
    revenue, the entered list of last year's Beijing SME contracts and the qualifications the
    provider declares for the direction rules (K2a, K3, K5, K6a).
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="服务商", on_delete=models.PROTECT, related_name="application_dossiers"
    )
    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.PROTECT, related_name="+"
    )
    introduction = models.TextField("服务商详细介绍", blank=True)
    revenue_last_year_wan = models.DecimalField(
        "上年度营业收入（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    sme_contracts = models.JSONField(
        "上年度与北京市中小企业签订的合同清单",
        default=list,
        blank=True,
        help_text='[{"enterprise": 企业名称, "signed_on": "YYYY-MM-DD"}]',
    )
    qualifications = models.JSONField("具备的方向资质（代码）", default=list, blank=True)
    qualification_notes = models.TextField("资质说明（证书编号、有效期等）", blank=True)

    class Meta:
        verbose_name = "服务商申报资料"
        verbose_name_plural = "服务商申报资料"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "programme"], name="dossier_one_per_provider_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.programme.year}"


class Application(TimeStampedModel):
    """One product = one application = one direction (annex 2-1-1). Draft values may be incomplete."""

    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="服务商", on_delete=models.PROTECT, related_name="applications"
    )
    sequence = models.PositiveIntegerField("序号")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态",
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )

    direction = models.ForeignKey(
        Direction,
        verbose_name="服务产品所属类别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
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
    software_type = models.CharField(
        "软件类别（数字化转型通用软件）",
        max_length=60,
        blank=True,
        help_text="年度政策 K2b 受控列表中的类别代码",
    )
    software_type_note = models.CharField("软件类别说明（其他）", max_length=200, blank=True)
    product_name = models.CharField("服务产品名称", max_length=200, blank=True)
    name_locked_at = models.DateTimeField("名称锁定时间（公示后）", null=True, blank=True)
    provider_name = models.CharField("服务商名称", max_length=200, blank=True)
    summary = models.TextField("服务产品简介", blank=True)
    price_amount = MoneyField("日常销售/实际成交价格（元）", null=True, blank=True)
    price_unit = models.CharField("价格单位", max_length=20, blank=True)
    pricing_basis = models.TextField("定价依据", blank=True)
    client_count = models.PositiveIntegerField("上年度北京地区签约企业家数", null=True, blank=True)
    revenue_wan = models.DecimalField(
        "上年度该产品北京地区营收（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    has_ip = models.BooleanField("知识产权", default=False)
    has_sales_qualification = models.BooleanField("销售资质", default=False)
    has_sales_system = models.BooleanField("销售体系", default=False)
    has_after_sales = models.BooleanField("售后服务", default=False)
    cac_model_name = models.CharField("网信办备案：模型名称", max_length=200, blank=True)
    cac_filing_unit = models.CharField("网信办备案：备案单位", max_length=200, blank=True)
    cac_filing_number = models.CharField("网信办备案：备案号", max_length=100, blank=True)
    market_share_percent = models.DecimalField(
        "市场份额占比（%）", max_digits=5, decimal_places=2, null=True, blank=True
    )
    market_share_unavailable = models.BooleanField("市场份额无法统计", default=False)
    ranking = models.CharField("全国/北京行业排名", max_length=200, blank=True)
    high_growth_count = models.PositiveIntegerField("近两年服务的高成长型企业数量", null=True, blank=True)
    contact_name = models.CharField("申报联系人", max_length=60, blank=True)
    contact_mobile = models.CharField("联系人手机号码", max_length=11, blank=True)

    priority_score = models.PositiveIntegerField("优先度（高成长型企业数量）", default=0, db_index=True)
    pledge_text = models.TextField("申报承诺", blank=True)
    pledge_accepted_at = models.DateTimeField("承诺时间", null=True, blank=True)
    pledge_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承诺人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_submitted_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    last_submitted_at = models.DateTimeField("上次提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_comment = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "配券产品申报"
        verbose_name_plural = "配券产品申报"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "programme", "product_name"],
                condition=~models.Q(product_name=""),
                name="application_unique_product_name_per_provider_year",
            ),
            models.UniqueConstraint(
                fields=["organisation", "programme", "sequence"], name="application_unique_sequence"
            ),
            models.CheckConstraint(
                condition=models.Q(price_amount__isnull=True) | models.Q(price_amount__gt=0),
                name="application_price_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(revenue_wan__isnull=True) | models.Q(revenue_wan__gte=0),
                name="application_revenue_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ApplicationStatus]),
                name="application_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.folder_name}（{self.organisation}）"

    @property
    def folder_name(self) -> str:
        """The materials folder, "序号-产品名称" (annex 2-1 §二)."""
        return f"{self.sequence}-{self.product_name or '未命名产品'}"

    @property
    def price_display(self) -> str:
        if self.price_amount is None:
            return ""
        amount = (
            format(self.price_amount.normalize(), "f")
            if self.price_amount == self.price_amount.to_integral()
            else str(self.price_amount)
        )
        return f"{amount}元/{self.price_unit}" if self.price_unit else f"{amount}元"

    @property
    def cac_display(self) -> str:
        parts = [p for p in (self.cac_model_name, self.cac_filing_unit, self.cac_filing_number) if p]
        return "；".join(parts) if parts else NOT_APPLICABLE

    @property
    def market_share_display(self) -> str:
        if self.market_share_unavailable:
            return "无法统计"
        if self.market_share_percent is None:
            return ""
        return f"{self.market_share_percent.normalize():f}%"

    @property
    def ip_sales_display(self) -> str:
        return "、".join(label for name, label in IP_SALES_FLAGS.items() if getattr(self, name))

    def product_line_name(self) -> str:
        if not self.direction_id or not self.product_line:
            return ""
        return dict(product_lines(self.direction)).get(self.product_line, self.product_line)  # type: ignore[arg-type]


class PriceTransaction(models.Model):
    """An actual deal entered with the price proof (P9: price ≤ average of the last N months)."""

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.CASCADE, related_name="price_transactions"
    )
    transacted_on = models.DateField("成交日期")
    amount = MoneyField("成交金额（元）")

    class Meta:
        verbose_name = "价格证明成交记录"
        verbose_name_plural = "价格证明成交记录"
        ordering = ["transacted_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="price_transaction_positive")
        ]

    def __str__(self) -> str:
        return f"{self.transacted_on} {self.amount}"


def material_path(instance: Material, filename: str) -> str:
    """Stored under an opaque name; the original name is kept on the row for display and download."""
    return opaque_upload_name(f"applications/{instance.organisation_id}/{instance.programme_id}", filename)


class Material(models.Model):
    """One uploaded file in a typed slot; product-level files belong to an application."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="服务商", on_delete=models.PROTECT, related_name="application_materials"
    )
    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        Application,
        verbose_name="申报产品",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="materials",
    )
    scope = models.CharField("层级", max_length=10, choices=MaterialScope.choices)
    kind = models.CharField("材料类型", max_length=30, choices=MaterialKind.choices)
    file = models.FileField("文件", upload_to=material_path, max_length=300)
    original_name = models.CharField("文件名称", max_length=255, db_index=True)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "申报附件"
        verbose_name_plural = "申报附件"
        ordering = ["scope", "kind", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(scope=MaterialScope.PROVIDER) & models.Q(application__isnull=True))
                | (models.Q(scope=MaterialScope.PRODUCT) & models.Q(application__isnull=False)),
                name="material_scope_matches_application",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def folder(self) -> str:
        return self.application.folder_name if self.application_id else "服务商材料"  # type: ignore[union-attr]

    @property
    def is_inline_viewable(self) -> bool:
        return self.content_type in {"application/pdf", "image/png", "image/jpeg"}


class ConditionCheck(models.Model):
    """One automatic P9/K check computed at submission, with its evidence, shown to reviewers."""

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.CASCADE, related_name="checks"
    )
    code = models.CharField("规则", max_length=20)
    title = models.CharField("条件", max_length=200)
    outcome = models.CharField("结果", max_length=10, choices=CheckOutcome.choices)
    message = models.TextField("说明")
    evidence = models.JSONField("依据", default=dict, blank=True)
    checked_at = models.DateTimeField("核验时间")

    class Meta:
        verbose_name = "条件核验"
        verbose_name_plural = "条件核验"
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "code"], name="condition_check_unique_code"),
            models.CheckConstraint(
                condition=models.Q(outcome__in=[o.value for o in CheckOutcome]),
                name="condition_check_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_outcome_display()}"

    def evidence_items(self) -> list[tuple[str, str]]:
        """The evidence as people read it: 结论 通过/未通过, times in Beijing time, amounts with separators."""
        if not isinstance(self.evidence, dict):
            return []
        return [(str(k), evidence_text(str(k), v)) for k, v in self.evidence.items()]

"""The programme year — every rule parameter of the guide as data (SPEC Y1–Y3, K1–K6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from voucher.core import periods
from voucher.core.models import MoneyField, TimeStampedModel
from voucher.programmes.choices import InvoiceAmountBasis, RequirementKind, YearStatus


class ProgrammeYear(TimeStampedModel):
    """One year of the voucher programme and all its parameters. No rule parameter is a literal in code."""

    year = models.PositiveIntegerField("年度", unique=True)
    title = models.CharField("名称", max_length=200)
    guide_reference = models.CharField("依据文件", max_length=300, blank=True)
    status = models.CharField("状态", max_length=10, choices=YearStatus.choices, default=YearStatus.DRAFT)

    # Subsidy (guide §一.2)
    subsidy_rate_cap = models.DecimalField(
        "补贴比例上限",
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="如 0.3000 表示不超过合同金额的 30%",
    )
    annual_cap_per_enterprise = MoneyField("每家企业年度补贴上限（元）")
    max_service_period_months = models.PositiveIntegerField("补贴服务周期上限（月）")
    rating_edit_days = models.PositiveIntegerField(
        "满意度评价可修改天数",
        default=30,
        help_text="企业提交满意度评价后，在此天数内可修改评价；之后评价不可再修改",
    )

    # Timetable (guide §四)
    application_opens_on = models.DateField("配券产品申报开始日")
    application_closes_on = models.DateField("配券产品申报截止日")
    review_deadline = models.DateField("评审及公示完成日")
    notice_period_days = models.PositiveIntegerField("公示期（自然日）")
    last_order_day = models.DateField("服务券有效期（最后下单日）")
    acceptance_working_days = models.PositiveIntegerField("服务商接单时限（工作日）")
    max_open_orders_per_product = models.PositiveIntegerField(
        "每家企业同一产品的有效订单上限",
        default=1,
        help_text="防止囤券：同一企业对同一产品同时持有的待接单/已接单订单数上限",
    )
    claim_weeks_after_use = models.PositiveIntegerField("用券结束后申请兑券时限（周）")
    claim_final_date = models.DateField("兑券最晚截止日")
    claim_risk_price_ratio = models.DecimalField(
        "兑券风险提示：合同金额超过产品价格的倍数",
        max_digits=6,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text="合同总金额超过下单时产品价格的该倍数时，在兑券审核页面提示评审人员",
    )
    claim_invoice_amount_basis = models.CharField(
        "兑券发票金额应等于",
        max_length=20,
        choices=InvoiceAmountBasis.choices,
        default=InvoiceAmountBasis.TOTAL,
        help_text="兑券预检核对发票金额（价税合计）时对照的合同金额：合同总金额或企业自付额度",
    )
    payout_notice_days = models.PositiveIntegerField(
        "兑付批次公示期（自然日）",
        default=5,
        validators=[MinValueValidator(1)],
        help_text="兑付批次公示的天数；公示期内可提出异议，期满后方可拨付",
    )
    clawback_restores_quota = models.BooleanField(
        "追回资金后恢复企业额度",
        default=False,
        help_text="默认不恢复：已兑付后被追回的金额仍计为企业已使用额度",
    )

    # Provider conditions (guide §三)
    provider_min_years_established = models.PositiveIntegerField("服务商成立年限下限（年）")
    provider_min_beijing_sme_contracts = models.PositiveIntegerField("上年度与北京中小微企业签约合同数下限")
    provider_min_revenue = MoneyField("服务商上年度营业收入下限（元）")
    credit_lookback_years = models.PositiveIntegerField("信用核查年限（年）")
    price_proof_months = models.PositiveIntegerField("价格证明：近几个月成交")
    price_proof_sets = models.PositiveIntegerField("价格证明：合同+发票+转账凭证套数")
    provider_intro_min_chars = models.PositiveIntegerField("服务商详细介绍最少字数")
    product_summary_max_chars = models.PositiveIntegerField("产品简介最多字数")
    pricing_basis_max_chars = models.PositiveIntegerField("定价依据最多字数")

    # Eligibility and oversight (guide §五)
    individual_businesses_eligible = models.BooleanField("个体工商户可领券", default=False)
    farmer_cooperatives_eligible = models.BooleanField("农民专业合作社可领券", default=False)
    sanction_years = models.PositiveIntegerField("违规后不予受理年限（年）")
    redeclaration_needs_evidence = models.BooleanField(
        "年度内变更划型须经确认",
        default=False,
        help_text="开启后，企业在本年度内重新申报且划型结果改变的，须上传证明材料（如上年度财务报表），"
        "经市经信局确认后新的划型结果方才生效。",
    )
    uncovered_industry_group = models.CharField(
        "划型标准未列明行业参照的行业",
        max_length=60,
        default="其他未列明行业",
        help_text="划型标准未覆盖的行业（如教育、卫生、金融业）按此行业的划型指标认定，并在页面上说明。",
    )

    class Meta:
        verbose_name = "年度政策"
        verbose_name_plural = "年度政策"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(subsidy_rate_cap__gte=0) & models.Q(subsidy_rate_cap__lte=1),
                name="programme_rate_cap_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=models.Q(annual_cap_per_enterprise__gte=0), name="programme_annual_cap_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(application_opens_on__lte=models.F("application_closes_on")),
                name="programme_application_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(last_order_day__lte=models.F("claim_final_date")),
                name="programme_orders_end_before_claims",
            ),
            models.CheckConstraint(
                condition=models.Q(acceptance_working_days__gte=1),
                name="programme_acceptance_window_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subsidy_rate_percent(self) -> str:
        """The rate cap as a percentage for people: ``30``, ``27.5`` (never ``3E+1``)."""
        return f"{(self.subsidy_rate_cap * 100).normalize():f}"

    def application_window_open(self, day: dt.date) -> bool:
        return self.application_opens_on <= day <= self.application_closes_on

    def claim_deadline(self, use_ended_on: dt.date) -> dt.date:
        """Last day to claim ("用券结束2周内"): ``claim_weeks_after_use`` weeks counted from the day after use
        ends (民法典 Art. 201), never after ``claim_final_date``."""
        return min(periods.last_day(use_ended_on, weeks=self.claim_weeks_after_use), self.claim_final_date)


class Field(models.Model):
    """A field (领域): 数智赋能, 绿色低碳, 高端时尚."""

    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.CASCADE, related_name="fields"
    )
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("名称", max_length=60)
    position = models.PositiveIntegerField("排序")

    class Meta:
        verbose_name = "领域"
        verbose_name_plural = "领域"
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="field_unique_code_per_year")
        ]

    def __str__(self) -> str:
        return self.name


class Direction(models.Model):
    """One of the nine product directions (方向) a product application picks exactly one of."""

    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.CASCADE, related_name="directions"
    )
    field = models.ForeignKey(Field, verbose_name="领域", on_delete=models.PROTECT, related_name="directions")
    number = models.PositiveIntegerField("序号")
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("名称", max_length=60)
    description = models.TextField("产品内容说明")

    class Meta:
        verbose_name = "产品方向"
        verbose_name_plural = "产品方向"
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="direction_unique_code_per_year"),
            models.UniqueConstraint(fields=["programme", "number"], name="direction_unique_number_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class DirectionSubtype(models.Model):
    """A sub-type within a direction (数智转型系统: 协同管理平台 / 人工智能辅助编程系统 / 数字化转型通用软件)."""

    direction = models.ForeignKey(
        Direction, verbose_name="方向", on_delete=models.CASCADE, related_name="subtypes"
    )
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("名称", max_length=60)
    description = models.TextField("说明")
    position = models.PositiveIntegerField("排序")

    class Meta:
        verbose_name = "方向子类"
        verbose_name_plural = "方向子类"
        ordering = ["direction", "position"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "code"], name="subtype_unique_code_per_direction")
        ]

    def __str__(self) -> str:
        return f"{self.direction.name} · {self.name}"


class Requirement(models.Model):
    """A category rule (K1–K6) as data: what kind of check it is and its parameters.

    ``params`` by kind — provider_qualification: ``{"any_of": [{"code": …, "name": …}], "scope": …}``;
    excluded_product_types: ``{"types": [...]}``; enterprise_industry: ``{"gbt4754_codes": ["C13", …]}``;
    exclusive_product_lines: ``{"lines": [{"code": …, "name": …}]}``; cac_filing: ``{"fields": [...]}``.
    """

    direction = models.ForeignKey(
        Direction, verbose_name="方向", on_delete=models.CASCADE, related_name="requirements"
    )
    subtype = models.ForeignKey(
        DirectionSubtype,
        verbose_name="仅适用子类",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    code = models.CharField("规则编号", max_length=10)
    kind = models.CharField("规则类型", max_length=40, choices=RequirementKind.choices)
    title = models.CharField("要求", max_length=200)
    description = models.TextField("说明（指南原文）")
    params = models.JSONField("参数", default=dict, blank=True)

    class Meta:
        verbose_name = "方向要求"
        verbose_name_plural = "方向要求"
        ordering = ["direction", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "code"], name="requirement_unique_code_per_direction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

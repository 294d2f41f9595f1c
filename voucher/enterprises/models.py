"""Enterprise identity, size classification, industry codes, credit screening and the quota ledger (SPEC E1–E7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from voucher.accounts.models import Organisation
from voucher.core.models import MoneyField
from voucher.core.uploads import opaque_upload_name
from voucher.enterprises.choices import (
    AuthStatus,
    CreditContext,
    CreditListKind,
    CreditOutcome,
    ImportStatus,
    LedgerKind,
    RedeclarationStatus,
    RefusalCode,
    SizeClass,
)
from voucher.programmes.models import ProgrammeYear


class IndustryCode(models.Model):
    """One entry of GB/T 4754-2017 (门类, 大类, 中类 or 小类), loaded from ``gbt4754_2017_full.csv``.

    ``code`` always carries the section letter (``C1515``), so "is under" is a prefix test.
    """

    code = models.CharField("代码", max_length=6, unique=True)
    level = models.CharField("层级", max_length=10)
    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    section = models.CharField("门类", max_length=1)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "国民经济行业分类"
        verbose_name_plural = "国民经济行业分类"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def is_under(self, prefix: str) -> bool:
        return self.code.startswith(prefix)


class SizeStandard(models.Model):
    """A version of the SME classification standard (工信部联企业〔2011〕300号 …); thresholds hang off it."""

    code = models.CharField("版本代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=200)
    source = models.TextField("依据")
    is_current = models.BooleanField("现行", default=False)

    class Meta:
        verbose_name = "划型标准"
        verbose_name_plural = "划型标准"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_size_standard"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SizeIndustryGroup(models.Model):
    """One of the standard's 16 industry groups (工业, 批发业, …) and which indicators it uses."""

    standard = models.ForeignKey(
        SizeStandard, verbose_name="划型标准", on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField("行业", max_length=60)
    scope = models.CharField("范围（GB/T 4754-2017）", max_length=300, blank=True)
    uses_employees = models.BooleanField("使用从业人员指标")
    uses_revenue = models.BooleanField("使用营业收入指标")
    uses_assets = models.BooleanField("使用资产总额指标")

    class Meta:
        verbose_name = "划型行业"
        verbose_name_plural = "划型行业"
        constraints = [models.UniqueConstraint(fields=["standard", "name"], name="size_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class SizeThreshold(models.Model):
    """Minimum values (inclusive) for one size tier of one group; an empty minimum means "not listed"."""

    group = models.ForeignKey(
        SizeIndustryGroup, verbose_name="行业", on_delete=models.CASCADE, related_name="thresholds"
    )
    size = models.CharField("规模", max_length=10, choices=SizeClass.choices)
    employees_min = models.PositiveIntegerField("从业人员下限（人）", null=True, blank=True)
    revenue_min_wan = models.DecimalField(
        "营业收入下限（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    assets_min_wan = models.DecimalField(
        "资产总额下限（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "划型指标"
        verbose_name_plural = "划型指标"
        constraints = [models.UniqueConstraint(fields=["group", "size"], name="size_threshold_unique_tier")]

    def __str__(self) -> str:
        return f"{self.group} {self.get_size_display()}"


class IndustryGroupMapping(models.Model):
    """GB/T 4754-2017 code prefix → industry group of a standard; ``group`` empty = not covered by it."""

    standard = models.ForeignKey(
        SizeStandard, verbose_name="划型标准", on_delete=models.CASCADE, related_name="mappings"
    )
    code_prefix = models.CharField("行业代码（前缀）", max_length=6)
    group = models.ForeignKey(
        SizeIndustryGroup,
        verbose_name="划型行业",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "行业对照"
        verbose_name_plural = "行业对照"
        constraints = [
            models.UniqueConstraint(fields=["standard", "code_prefix"], name="mapping_unique_prefix")
        ]

    def __str__(self) -> str:
        return f"{self.code_prefix} → {self.group or '未列明'}"


class EnterpriseAuthentication(models.Model):
    """The organisation's identity check (企业认证): its decoded credit code and the outcome (E1, E2)."""

    organisation = models.OneToOneField(
        Organisation, verbose_name="企业", on_delete=models.CASCADE, related_name="authentication"
    )
    uscc = models.CharField("统一社会信用代码", max_length=18)
    status = models.CharField("结果", max_length=10, choices=AuthStatus.choices)
    refusal_code = models.CharField("不通过代码", max_length=40, blank=True)
    reason = models.TextField("说明", blank=True)
    authority_name = models.CharField("登记管理部门", max_length=60, blank=True)
    type_name = models.CharField("机构类别", max_length=60, blank=True)
    division_code = models.CharField("登记管理机关行政区划码", max_length=6, blank=True)
    division_name = models.CharField("登记管理机关", max_length=100, blank=True)
    checked_at = models.DateTimeField("认证时间")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "企业认证"
        verbose_name_plural = "企业认证"

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_status_display()}"

    @property
    def verified(self) -> bool:
        return self.status == AuthStatus.VERIFIED


class CreditCheck(models.Model):
    """One credit screening (E4): outcome, reason and time, kept for every check."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.CASCADE, related_name="credit_checks"
    )
    context = models.CharField("核查环节", max_length=20, choices=CreditContext.choices)
    outcome = models.CharField("结果", max_length=10, choices=CreditOutcome.choices)
    reason = models.TextField("说明")
    checker = models.CharField("核查方式", max_length=100)
    details = models.JSONField("命中记录", default=list, blank=True)
    checked_at = models.DateTimeField("核查时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="触发人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "信用核查记录"
        verbose_name_plural = "信用核查记录"
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_context_display()} {self.get_outcome_display()}"


def redeclaration_evidence_path(instance: SizeClassification, filename: str) -> str:
    """Stored under an opaque name; the original name stays on the row."""
    return opaque_upload_name(f"classifications/{instance.organisation_id}", filename)


class SizeClassification(models.Model):
    """One size classification (企业划型认证, E3): inputs, standard, result, eligibility. Older rows are history.

    A re-declaration in the same programme year that changes the outcome (size or eligibility) is marked
    ``changes_outcome`` and keeps a link to the declaration it replaces. When the year requires supporting
    statements (``redeclaration_needs_evidence``), it waits, not current, until the Bureau confirms it.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.CASCADE, related_name="size_classifications"
    )
    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.PROTECT, related_name="+"
    )
    standard = models.ForeignKey(
        SizeStandard, verbose_name="划型标准", on_delete=models.PROTECT, related_name="+"
    )
    industry = models.ForeignKey(
        IndustryCode, verbose_name="主营业务行业", on_delete=models.PROTECT, related_name="+"
    )
    industry_group = models.ForeignKey(
        SizeIndustryGroup, verbose_name="划型行业", on_delete=models.PROTECT, related_name="+"
    )
    group_by_programme_rule = models.BooleanField("按年度规定参照划型", default=False)
    data_year = models.PositiveIntegerField("数据年度")
    employees = models.PositiveIntegerField("从业人员（人）")
    revenue_wan = models.DecimalField("营业收入（万元）", max_digits=14, decimal_places=2)
    assets_wan = models.DecimalField("资产总额（万元）", max_digits=14, decimal_places=2)
    size = models.CharField("规模", max_length=10, choices=SizeClass.choices)
    eligible = models.BooleanField("符合领券条件")
    refusal_code = models.CharField("不符合原因代码", max_length=40, blank=True, choices=RefusalCode.choices)
    reason = models.TextField("结论说明")
    credit_check = models.ForeignKey(
        CreditCheck,
        verbose_name="信用核查",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_current = models.BooleanField("当前有效", default=True)
    previous = models.ForeignKey(
        "self",
        verbose_name="本年度上一次划型",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changes_outcome = models.BooleanField("年度内变更划型结果", default=False)
    review_status = models.CharField(
        "变更确认", max_length=10, choices=RedeclarationStatus.choices, blank=True, default=""
    )
    evidence = models.FileField("证明材料", upload_to=redeclaration_evidence_path, max_length=300, blank=True)
    evidence_name = models.CharField("证明材料文件名", max_length=255, blank=True)
    reviewed_at = models.DateTimeField("确认时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.CharField("确认意见", max_length=500, blank=True)
    classified_at = models.DateTimeField("划型时间")
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "企业划型"
        verbose_name_plural = "企业划型"
        ordering = ["-classified_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "programme"],
                condition=Q(is_current=True),
                name="one_current_classification",
            ),
            models.CheckConstraint(
                condition=Q(revenue_wan__gte=0) & Q(assets_wan__gte=0),
                name="classification_figures_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(size=SizeClass.LARGE) | Q(eligible=False), name="large_never_eligible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_size_display()}"


class QuotaTier(models.Model):
    """A quota tier of a programme year (E6): the annual cap for enterprises of a qualification tier."""

    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.CASCADE, related_name="quota_tiers"
    )
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("名称", max_length=60)
    cap = MoneyField("年度额度（元）")
    is_default = models.BooleanField("默认档", default=False)

    class Meta:
        verbose_name = "额度档次"
        verbose_name_plural = "额度档次"
        ordering = ["programme", "-is_default", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="quota_tier_unique_code"),
            models.UniqueConstraint(
                fields=["programme"], condition=Q(is_default=True), name="quota_tier_one_default"
            ),
            models.CheckConstraint(condition=Q(cap__gte=0), name="quota_tier_cap_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.year} {self.name}"


class QuotaAccount(models.Model):
    """An enterprise's quota for one programme year (E6, Y3), kept as running totals of its ledger.

    available = cap − reserved − committed − paid (kept by the ledger services; SQLite stores decimals as
    floating point, so the equation is not a database constraint). Every bucket and the balance are ≥ 0 in
    the database.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="quota_accounts"
    )
    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.PROTECT, related_name="+"
    )
    tier = models.ForeignKey(
        QuotaTier, verbose_name="额度档次", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cap = MoneyField("年度额度")
    reserved = MoneyField("已预占", default=0)
    committed = MoneyField("合同已确认", default=0)
    paid = MoneyField("已兑付", default=0)
    available = MoneyField("可用额度")
    opened_at = models.DateTimeField("开立时间")

    class Meta:
        verbose_name = "年度额度账户"
        verbose_name_plural = "年度额度账户"
        ordering = ["-programme__year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "programme"], name="quota_account_one_per_year"),
            models.CheckConstraint(condition=Q(available__gte=0), name="quota_available_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(committed__gte=0) & Q(paid__gte=0) & Q(cap__gte=0),
                name="quota_buckets_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.programme.year}"


class QuotaLedgerEntry(models.Model):
    """One movement on a quota account; the running balance after it can never be negative."""

    account = models.ForeignKey(
        QuotaAccount, verbose_name="账户", on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField("类型", max_length=10, choices=LedgerKind.choices)
    amount = MoneyField("金额")
    balance_after = MoneyField("可用余额")
    reserved_after = MoneyField("预占余额")
    committed_after = MoneyField("合同确认余额")
    paid_after = MoneyField("已兑付累计")
    reference = models.CharField("关联单号", max_length=60, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "额度流水"
        verbose_name_plural = "额度流水"
        ordering = ["account", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="ledger_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0)
                & Q(reserved_after__gte=0)
                & Q(committed_after__gte=0)
                & Q(paid_after__gte=0),
                name="ledger_balance_never_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class CreditListImport(models.Model):
    """An uploaded credit list (CSV or Excel) held for preview before it is applied."""

    file_name = models.CharField("文件名", max_length=200)
    status = models.CharField(
        "状态", max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW
    )
    rows = models.JSONField("有效行", default=list)
    errors = models.JSONField("错误行", default=list)
    uploaded_at = models.DateTimeField("上传时间")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "信用名单导入"
        verbose_name_plural = "信用名单导入"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"


class CreditListEntry(models.Model):
    """An admin-maintained record that fails the default credit check (E4)."""

    uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    name = models.CharField("单位名称", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=CreditListKind.choices)
    recorded_on = models.DateField("认定日期")
    source = models.CharField("来源", max_length=200, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    active = models.BooleanField("有效", default=True)
    imported_from = models.ForeignKey(
        CreditListImport,
        verbose_name="导入批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    created_at = models.DateTimeField("录入时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "信用名单"
        verbose_name_plural = "信用名单"
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return f"{self.name} {self.get_kind_display()}"

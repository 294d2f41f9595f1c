"""Redemption claims (兑券, SPEC R1–R8): the claim, its typed material files, pre-checks and decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from voucher.accounts.models import Organisation
from voucher.claims.choices import CheckOutcome, ClaimAction, ClaimStatus, MaterialKind
from voucher.contracts.models import Contract
from voucher.core.models import MoneyField
from voucher.core.text import identifier_key
from voucher.core.uploads import opaque_upload_name
from voucher.enterprises.models import CreditCheck
from voucher.orders.models import Order
from voucher.programmes.models import ProgrammeYear


def normalise_invoice_number(value: str) -> str:
    """Invoice numbers compared by their :func:`identifier_key` without spaces, dashes or case
    (``No. 0123-45`` = ``no012345`` = ``ＮＯ０１２３４５``, and an invisible character changes nothing)."""
    return "".join(ch for ch in identifier_key(value).upper() if ch.isalnum())


def waiver_path(instance: Claim, filename: str) -> str:
    """Stored under an opaque name; the original name stays on the row (``waiver_file_name``)."""
    return opaque_upload_name(f"claims/waivers/{instance.provider_id}", filename)


class Claim(models.Model):
    """The provider's redemption claim for one contract (one order).

    Created as a draft by the provider, or as a waived record by the provider's waiver or the sweeper
    when the claim period ended without a claim (R5). ``approved_payout`` is the amount the reviewer
    approved; it stays committed on the quota ledger until a payout batch marks it paid (R7).
    """

    contract = models.OneToOneField(
        Contract, verbose_name="合同", on_delete=models.PROTECT, related_name="claim"
    )
    order = models.OneToOneField(Order, verbose_name="订单", on_delete=models.PROTECT, related_name="claim")
    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="enterprise_claims"
    )
    provider = models.ForeignKey(
        Organisation, verbose_name="服务商", on_delete=models.PROTECT, related_name="provider_claims"
    )
    status = models.CharField("状态", max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    revision = models.PositiveIntegerField("修改版本", default=1)

    invoice_number = models.CharField("发票号码", max_length=40, blank=True)
    invoice_number_normalised = models.CharField("发票号码（规范化）", max_length=40, blank=True)
    invoice_date = models.DateField("开票日期", null=True, blank=True)
    invoice_amount = MoneyField("发票金额（元）", null=True, blank=True)
    receipt_date = models.DateField("银行收款日期", null=True, blank=True)
    receipt_amount = MoneyField("银行收款金额（元）", null=True, blank=True)
    receipt_reference = models.CharField("银行回单编号 / 交易流水号", max_length=60, blank=True)

    created_at = models.DateTimeField("创建时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField("最近保存时间")
    deadline = models.DateField("兑券截止日")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submission_count = models.PositiveIntegerField("提交次数", default=0)
    return_count = models.PositiveIntegerField("退回次数", default=0)
    return_comment = models.TextField("退回补充材料说明", blank=True)

    approved_payout = MoneyField("核定兑付金额（元）", null=True, blank=True)
    decision_reason = models.TextField("审核意见 / 核减或作废原因", blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    credit_check = models.ForeignKey(
        CreditCheck,
        verbose_name="兑券审核信用核查",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    waived_at = models.DateTimeField("放弃兑付时间", null=True, blank=True)
    waived_automatically = models.BooleanField("逾期视同放弃", default=False)
    waiver_statement = models.TextField("放弃兑付声明", blank=True)
    waiver_file = models.FileField("放弃兑付声明文件", upload_to=waiver_path, max_length=300, blank=True)
    waiver_file_name = models.CharField("声明文件名称", max_length=255, blank=True)

    quota_settled_at = models.DateTimeField("额度结算时间", null=True, blank=True)
    risk_flags = models.JSONField("提交时的风险提示", default=list, blank=True)

    class Meta:
        verbose_name = "兑券申请"
        verbose_name_plural = "兑券申请"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice_number_normalised"],
                condition=~Q(invoice_number_normalised=""),
                name="claim_invoice_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ClaimStatus]), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(approved_payout__isnull=True) | Q(approved_payout__gt=0),
                name="claim_payout_positive",
            ),
            models.CheckConstraint(
                condition=Q(invoice_amount__isnull=True) | Q(invoice_amount__gt=0),
                name="claim_invoice_positive",
            ),
            models.CheckConstraint(
                condition=Q(receipt_amount__isnull=True) | Q(receipt_amount__gt=0),
                name="claim_receipt_positive",
            ),
            models.CheckConstraint(condition=Q(return_count__lte=1), name="claim_returned_at_most_once"),
        ]
        indexes = [
            models.Index(fields=["provider", "status"]),
            models.Index(fields=["enterprise", "status"]),
            models.Index(fields=["status", "deadline"]),
        ]

    def __str__(self) -> str:
        return f"兑券申请（订单 {self.order.number}）"


def material_path(instance: ClaimMaterial, filename: str) -> str:
    """Stored under an opaque name; the original name stays on the row."""
    return opaque_upload_name(f"claims/{instance.claim.provider_id}/{instance.claim_id}", filename)


class ClaimMaterial(models.Model):
    """One file in a typed slot. Replaced files are kept (``superseded_at`` set) for the audit trail."""

    claim = models.ForeignKey(
        Claim, verbose_name="兑券申请", on_delete=models.PROTECT, related_name="materials"
    )
    kind = models.CharField("材料类型", max_length=30, choices=MaterialKind.choices)
    file = models.FileField("文件", upload_to=material_path, max_length=300)
    original_name = models.CharField("文件名称", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    page_count = models.PositiveIntegerField("页数", null=True, blank=True)
    text = models.TextField("提取的文字", blank=True)
    merged_from = models.JSONField("合并自", default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间")
    superseded_at = models.DateTimeField("被替换时间", null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name="替换为", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "兑券材料"
        verbose_name_plural = "兑券材料"
        ordering = ["kind", "uploaded_at", "id"]
        constraints = [
            # R2: exactly one current file per type, except "other".
            models.UniqueConstraint(
                fields=["claim", "kind"],
                condition=Q(superseded_at__isnull=True) & ~Q(kind=MaterialKind.OTHER),
                name="claim_material_one_current_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/png", "image/jpeg"}

    @property
    def has_text(self) -> bool:
        return bool(self.text.strip())


class ReadingSource(models.TextChoices):
    XML = "xml", "数电票 XML"
    OFD = "ofd", "OFD 版式文件"
    PDF = "pdf", "PDF 文字层"


class MaterialReading(models.Model):
    """What the platform read from an invoice file at upload (数电票 XML, OFD or PDF text layer).

    ``readable`` is false when the file could not be read (``reason`` says why); the claim then continues
    with manual entry. ``corrections`` records every extracted value the provider changed when saving the
    claim data: ``{field: {"read": …, "entered": …, "at": …}}``, shown to the reviewer.
    """

    material = models.OneToOneField(
        ClaimMaterial, verbose_name="材料", on_delete=models.PROTECT, related_name="reading"
    )
    claim = models.ForeignKey(
        Claim, verbose_name="兑券申请", on_delete=models.PROTECT, related_name="readings"
    )
    readable = models.BooleanField("已自动识别")
    source = models.CharField("识别来源", max_length=10, choices=ReadingSource.choices, blank=True)
    reason = models.CharField("未能识别的原因", max_length=200, blank=True)
    invoice_number = models.CharField("发票号码", max_length=40, blank=True)
    invoice_number_normalised = models.CharField(
        "发票号码（规范化）", max_length=40, blank=True, db_index=True
    )
    issue_date = models.DateField("开票日期", null=True, blank=True)
    seller_name = models.CharField("销售方名称", max_length=200, blank=True)
    seller_tax_id = models.CharField("销售方纳税人识别号", max_length=20, blank=True)
    buyer_name = models.CharField("购买方名称", max_length=200, blank=True)
    buyer_tax_id = models.CharField("购买方纳税人识别号", max_length=20, blank=True)
    item_names = models.JSONField("项目名称", default=list, blank=True)
    amount_without_tax = MoneyField("金额（不含税，元）", null=True, blank=True)
    tax = MoneyField("税额（元）", null=True, blank=True)
    total = MoneyField("价税合计（元）", null=True, blank=True)
    corrections = models.JSONField("服务商更正", default=dict, blank=True)
    read_at = models.DateTimeField("识别时间")

    class Meta:
        verbose_name = "发票识别结果"
        verbose_name_plural = "发票识别结果"
        ordering = ["-read_at", "-id"]

    def __str__(self) -> str:
        return f"{self.material.original_name}：{'已识别' if self.readable else '未能自动识别'}"


class PreCheck(models.Model):
    """One automatic pre-check (R8), pass / fail / cannot tell, with the evidence shown to the reviewer."""

    claim = models.ForeignKey(
        Claim, verbose_name="兑券申请", on_delete=models.CASCADE, related_name="prechecks"
    )
    code = models.CharField("检查项", max_length=30)
    title = models.CharField("检查内容", max_length=100)
    outcome = models.CharField("结果", max_length=10, choices=CheckOutcome.choices)
    message = models.TextField("说明")
    evidence = models.JSONField("依据", default=dict, blank=True)
    position = models.PositiveIntegerField("顺序", default=0)
    checked_at = models.DateTimeField("检查时间")

    class Meta:
        verbose_name = "兑券预检"
        verbose_name_plural = "兑券预检"
        ordering = ["claim", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "code"], name="claim_precheck_unique_code"),
            models.CheckConstraint(
                condition=Q(outcome__in=[o.value for o in CheckOutcome]), name="claim_precheck_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}：{self.get_outcome_display()}"


class ClaimDecision(models.Model):
    """One reviewer decision or provider/system step on a claim, kept as its history."""

    claim = models.ForeignKey(
        Claim, verbose_name="兑券申请", on_delete=models.PROTECT, related_name="decisions"
    )
    action = models.CharField("操作", max_length=10, choices=ClaimAction.choices)
    payout = MoneyField("核定兑付金额（元）", null=True, blank=True)
    reason = models.TextField("意见 / 原因", blank=True)
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
        verbose_name = "兑券审核记录"
        verbose_name_plural = "兑券审核记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"

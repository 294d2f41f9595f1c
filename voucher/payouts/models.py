"""Payout batches (R7): public notice, payment file, marking paid; the providers' payee accounts.

Objections to a batch under notice are the shared :class:`voucher.reviews.models.Objection`; the items an
objection concerns are ``PayoutItem.objections``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from voucher.accounts.models import Organisation
from voucher.claims.models import Claim
from voucher.core.models import MoneyField
from voucher.core.uploads import opaque_upload_name
from voucher.payouts.choices import BatchStatus, ItemStatus
from voucher.programmes.models import ProgrammeYear
from voucher.reviews.models import Objection


def mask_account_number(number: str) -> str:
    """An account number as the audit log, notifications and provider pages show it: the last four digits."""
    return f"****{number[-4:]}" if len(number) > 4 else "****"


class PayeeAccount(models.Model):
    """The bank account a provider is paid into (收款账户), kept by the provider or the Bureau.

    Only the payment file and the Bureau's pages show it; public notices never do. The payment file is
    written from the copy each payout item took when its batch was published, not from this row.
    ``changed_at`` is the last change of an account registered earlier (reviewers see it as a risk flag).
    """

    organisation = models.OneToOneField(
        Organisation, verbose_name="服务商", on_delete=models.PROTECT, related_name="payee_account"
    )
    account_name = models.CharField("账户名称", max_length=200)
    bank_name = models.CharField("开户银行", max_length=200)
    branch_name = models.CharField("开户网点（支行）", max_length=200, blank=True)
    account_number = models.CharField("银行账号", max_length=40)
    updated_at = models.DateTimeField("最近修改时间")
    changed_at = models.DateTimeField("最近变更账户时间", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "服务商收款账户"
        verbose_name_plural = "服务商收款账户"
        constraints = [
            models.CheckConstraint(
                condition=~Q(account_name="") & ~Q(bank_name="") & ~Q(account_number=""),
                name="payee_account_complete",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_name}（{self.bank_name}）"

    @property
    def masked_number(self) -> str:
        return mask_account_number(self.account_number)


class PayoutBatch(models.Model):
    """A batch of approved claims paid out together (分批兑付, R7).

    ``item_count`` and ``total_amount`` are kept by the services as the count and sum of the live items
    (pending, blocked or paid); the ledger check compares them with the items.
    """

    number = models.CharField("批次编号", max_length=30, unique=True)
    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.PROTECT, related_name="payout_batches"
    )
    title = models.CharField("批次名称", max_length=200)
    status = models.CharField("状态", max_length=12, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    filters = models.JSONField("选取条件", default=dict, blank=True)
    item_count = models.PositiveIntegerField("兑付笔数", default=0)
    total_amount = MoneyField("兑付总额（元）", default=0)

    created_at = models.DateTimeField("创建时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    notice_days = models.PositiveIntegerField("公示期（自然日）", null=True, blank=True)
    notice_starts_on = models.DateField("公示开始日", null=True, blank=True)
    notice_ends_on = models.DateField("公示结束日", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("批准拨付时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exported_at = models.DateTimeField("最近导出时间", null=True, blank=True)
    export_count = models.PositiveIntegerField("导出次数", default=0)
    paid_at = models.DateTimeField("全部支付时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancel_reason = models.TextField("取消原因", blank=True)

    class Meta:
        verbose_name = "兑付批次"
        verbose_name_plural = "兑付批次"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in BatchStatus]), name="payout_batch_status_valid"
            ),
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="payout_batch_total_not_negative"),
            models.CheckConstraint(
                condition=Q(notice_ends_on__isnull=True)
                | Q(notice_ends_on__gte=models.F("notice_starts_on")),
                name="payout_batch_notice_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="cancelled") | Q(notice_starts_on__isnull=False),
                name="payout_batch_published_has_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def notice_open(self, today: object) -> bool:
        """True during the notice period of a batch under notice (objections accepted)."""
        return bool(
            self.status == BatchStatus.NOTICED
            and self.notice_starts_on is not None
            and self.notice_ends_on is not None
            and self.notice_starts_on <= today <= self.notice_ends_on  # type: ignore[operator]
        )


class PayoutItem(models.Model):
    """One approved claim in a batch. ``amount`` is the claim's approved payout frozen at batching.

    A claim is in at most one live batch: removed items (objection upheld, taken out of a draft, or the
    draft cancelled) no longer count, and the claim can be batched again.

    The ``payee_*`` fields are the provider's payee account copied when the batch was published for
    notice (SPEC R7): the payment file pays that account, whatever the provider's account says later.
    """

    batch = models.ForeignKey(
        PayoutBatch, verbose_name="兑付批次", on_delete=models.PROTECT, related_name="items"
    )
    claim = models.ForeignKey(
        Claim, verbose_name="兑券申请", on_delete=models.PROTECT, related_name="payout_items"
    )
    provider = models.ForeignKey(
        Organisation, verbose_name="服务商", on_delete=models.PROTECT, related_name="payout_items"
    )
    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField("兑付金额（元）")
    status = models.CharField("状态", max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    paid_on = models.DateField("支付日期", null=True, blank=True)
    paid_at = models.DateTimeField("登记支付时间", null=True, blank=True)
    payment_reference = models.CharField("支付流水号", max_length=60, blank=True)
    removed_at = models.DateTimeField("移出时间", null=True, blank=True)
    removed_reason = models.TextField("移出原因", blank=True)
    payee_account_name = models.CharField("收款账户名称（公示时）", max_length=200, blank=True)
    payee_bank_name = models.CharField("开户银行（公示时）", max_length=200, blank=True)
    payee_branch_name = models.CharField("开户网点（公示时）", max_length=200, blank=True)
    payee_account_number = models.CharField("银行账号（公示时）", max_length=40, blank=True)
    payee_captured_at = models.DateTimeField("收款账户锁定时间", null=True, blank=True)
    objections = models.ManyToManyField(
        Objection, verbose_name="涉及本明细的公示异议", related_name="payout_items", blank=True
    )

    class Meta:
        verbose_name = "兑付明细"
        verbose_name_plural = "兑付明细"
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=~Q(status="removed"), name="payout_item_one_live_batch_per_claim"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_item_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ItemStatus]), name="payout_item_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_on__isnull=False) & ~Q(payment_reference="")),
                name="payout_item_paid_has_reference",
            ),
        ]
        indexes = [models.Index(fields=["batch", "status"]), models.Index(fields=["provider", "status"])]

    def __str__(self) -> str:
        return f"{self.batch.number} · {self.claim.order.number}"


def objection_path(instance: object, filename: str) -> str:
    """The upload path of the former payout-objection table, kept because its first migration names it."""
    return opaque_upload_name(f"payout-objections/{getattr(instance, 'batch_id', '')}", filename)

"""Oversight records (SPEC M1, M2, M5, E7): sanction cases and the sanctions they impose, clawbacks of subsidy
paid out and their repayments, and spot checks (抽查) with their sampled items and findings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from voucher.accounts.models import Organisation
from voucher.catalogue.models import Product
from voucher.claims.models import Claim
from voucher.contracts.models import Contract
from voucher.core.models import MoneyField
from voucher.core.uploads import opaque_upload_name
from voucher.enforcement.choices import (
    ClawbackOrigin,
    ClawbackReason,
    ClawbackStatus,
    FindingOutcome,
    Party,
    SpotCheckStatus,
    SpotCheckTarget,
    ViolationKind,
)
from voucher.orders.models import Order
from voucher.programmes.models import ProgrammeYear


class SanctionCase(models.Model):
    """One violation case (guide 五、5): the facts, the decision date and the orders, products and claims
    involved. It sanctions the enterprise, the provider or both (one :class:`Sanction` per party); recording
    it suspends the products involved and opens clawbacks of the affected subsidy in the same transaction.
    """

    kind = models.CharField("违规类型", max_length=20, choices=ViolationKind.choices)
    facts = models.TextField("违规事实")
    decided_on = models.DateField("处理决定日")
    decided_at = models.DateTimeField("记录时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    orders = models.ManyToManyField(Order, verbose_name="涉及订单", blank=True, related_name="+")
    products = models.ManyToManyField(Product, verbose_name="涉及产品", blank=True, related_name="+")
    claims = models.ManyToManyField(Claim, verbose_name="涉及兑券申请", blank=True, related_name="+")

    class Meta:
        verbose_name = "违规案件"
        verbose_name_plural = "违规案件"
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ViolationKind]), name="sanction_case_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.get_kind_display()}"

    @property
    def number(self) -> str:
        return f"WG{self.pk:06d}"


class SanctionQuerySet(models.QuerySet["Sanction"]):
    def in_force(self, on: dt.date) -> SanctionQuerySet:
        """Sanctions whose ban covers ``on``: not lifted, from ``starts_on`` to ``ends_on`` inclusive (E7)."""
        return self.filter(lifted_at__isnull=True, starts_on__lte=on, ends_on__gte=on)


class Sanction(models.Model):
    """A violation recorded against one organisation (enterprise or provider) and its ban.

    The ban runs from ``starts_on`` (the decision date) to ``ends_on`` inclusive — the day before the
    same date ``sanction_years`` later. While it runs, the organisation's orders, product applications
    and claims are refused with :attr:`reason`. Lifting early needs an admin and a reason.
    """

    case = models.ForeignKey(
        SanctionCase,
        verbose_name="案件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sanctions",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="被处理单位", on_delete=models.PROTECT, related_name="sanctions"
    )
    party = models.CharField("当事方", max_length=10, choices=Party.choices, default=Party.ENTERPRISE)
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

    objects = SanctionQuerySet.as_manager()

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
            models.CheckConstraint(
                condition=Q(party__in=[p.value for p in Party]), name="sanction_party_valid"
            ),
            models.UniqueConstraint(fields=["case", "organisation"], name="sanction_one_per_party_per_case"),
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


def clawback_evidence_path(instance: Clawback, filename: str) -> str:
    """Stored under an opaque name; the original name stays on the row."""
    return opaque_upload_name(f"clawbacks/{instance.provider_id}", filename)


class Clawback(models.Model):
    """Subsidy to be recovered for one approved claim (SPEC M1, guide 五、4 and 五、5).

    ``amount_due`` never exceeds the claim's approved payout (checked in the service, across all of the
    claim's clawbacks); ``repaid`` is the sum of the repayments and never exceeds ``amount_due``.

    Quota effect (``restores_quota``, copied from the programme year when the clawback opens): when true,
    each repayment moves the amount from the enterprise's paid bucket back to available with
    ``quota_claw_back`` (once the payout has reached the paid bucket; before disbursement the amount is
    still committed and the ledger is left alone); when false (the default rule) the ledger is not moved at all — the paid amount
    stays counted as used — and the clawback itself is the record of that decision.
    """

    claim = models.ForeignKey(
        Claim, verbose_name="兑券申请", on_delete=models.PROTECT, related_name="clawbacks"
    )
    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="enterprise_clawbacks"
    )
    provider = models.ForeignKey(
        Organisation, verbose_name="服务商", on_delete=models.PROTECT, related_name="provider_clawbacks"
    )
    origin = models.CharField("来源", max_length=20, choices=ClawbackOrigin.choices)
    case = models.ForeignKey(
        SanctionCase,
        verbose_name="违规案件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clawbacks",
    )
    reason_kind = models.CharField("追回原因", max_length=20, choices=ClawbackReason.choices)
    reason = models.TextField("情况说明")
    amount_due = MoneyField("应退回金额（元）")
    repaid = MoneyField("已退回金额（元）", default=0)
    status = models.CharField(
        "状态", max_length=15, choices=ClawbackStatus.choices, default=ClawbackStatus.OPEN
    )
    restores_quota = models.BooleanField("退回后恢复企业额度")
    evidence = models.FileField("证明材料", upload_to=clawback_evidence_path, max_length=300, blank=True)
    evidence_name = models.CharField("证明材料文件名", max_length=255, blank=True)
    evidence_type = models.CharField("证明材料类型", max_length=100, blank=True)
    evidence_sha256 = models.CharField("证明材料 SHA-256", max_length=64, blank=True)
    opened_at = models.DateTimeField("发起时间")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核销人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    waive_reason = models.TextField("核销理由", blank=True)

    class Meta:
        verbose_name = "资金追回"
        verbose_name_plural = "资金追回"
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_due__gt=0), name="clawback_amount_positive"),
            models.CheckConstraint(
                condition=Q(repaid__gte=0) & Q(repaid__lte=models.F("amount_due")),
                name="clawback_repaid_within_due",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ClawbackStatus]), name="clawback_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(origin__in=[o.value for o in ClawbackOrigin]), name="clawback_origin_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ClawbackStatus.REPAID) | Q(repaid=models.F("amount_due")),
                name="clawback_repaid_means_all",
            ),
            models.CheckConstraint(
                condition=~Q(status=ClawbackStatus.WAIVED) | ~Q(waive_reason=""),
                name="clawback_waiver_needs_reason",
            ),
        ]
        indexes = [models.Index(fields=["provider", "status"]), models.Index(fields=["status", "opened_at"])]

    def __str__(self) -> str:
        return f"{self.number}（订单 {self.claim.order.number}）"

    @property
    def number(self) -> str:
        return f"ZH{self.pk:06d}"

    @property
    def outstanding(self) -> Decimal:
        """What is still to be repaid (zero once repaid or waived)."""
        if self.status == ClawbackStatus.WAIVED:
            return Decimal("0.00")
        return self.amount_due - self.repaid


class ClawbackRepayment(models.Model):
    """One repayment received against a clawback: the date, amount and bank reference."""

    clawback = models.ForeignKey(
        Clawback, verbose_name="资金追回", on_delete=models.PROTECT, related_name="repayments"
    )
    paid_on = models.DateField("退回日期")
    amount = MoneyField("退回金额（元）")
    reference = models.CharField("银行流水号 / 凭证号", max_length=60)
    recorded_at = models.DateTimeField("登记时间")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "追回退款记录"
        verbose_name_plural = "追回退款记录"
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="clawback_repayment_positive"),
            models.UniqueConstraint(
                fields=["clawback", "reference"], name="clawback_repayment_reference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on:%Y-%m-%d} {self.amount}"


class SpotCheck(models.Model):
    """A random, reproducible sample of orders or contracts (SPEC M2, guide 五、3).

    The draw is a pure function of ``seed`` and the sorted ids of the eligible population: each id is
    ranked by SHA-256 of ``"<seed>:<id>"`` and the lowest ``sample_size`` are taken. The population's ids
    and their hash are stored, so anyone can re-derive the sample and see whether the population the
    filters select today is still the one that was drawn from.
    """

    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.PROTECT, related_name="+"
    )
    target = models.CharField("抽查对象", max_length=10, choices=SpotCheckTarget.choices)
    title = models.CharField("抽查名称", max_length=100)
    filters = models.JSONField("抽样条件", default=dict, blank=True)
    requested_size = models.PositiveIntegerField("指定抽样数量", null=True, blank=True)
    requested_percent = models.DecimalField(
        "指定抽样比例（%）", max_digits=5, decimal_places=2, null=True, blank=True
    )
    sample_size = models.PositiveIntegerField("实际抽取数量")
    seed = models.CharField("随机种子", max_length=128)
    population_ids = models.JSONField("总体编号（排序）", default=list)
    population_count = models.PositiveIntegerField("总体数量")
    population_hash = models.CharField("总体哈希（SHA-256）", max_length=64)
    sample_ids = models.JSONField("抽中编号（按抽取顺序）", default=list)
    status = models.CharField(
        "状态", max_length=10, choices=SpotCheckStatus.choices, default=SpotCheckStatus.OPEN
    )
    created_at = models.DateTimeField("抽取时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="抽取人", on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "抽查"
        verbose_name_plural = "抽查"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__in=[t.value for t in SpotCheckTarget]), name="spot_check_target_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in SpotCheckStatus]), name="spot_check_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(sample_size__lte=models.F("population_count")), name="spot_check_sample_within"
            ),
            models.CheckConstraint(
                condition=Q(requested_percent__isnull=True)
                | (Q(requested_percent__gt=0) & Q(requested_percent__lte=100)),
                name="spot_check_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.title}"

    @property
    def number(self) -> str:
        return f"CC{self.pk:05d}"


class SpotCheckItem(models.Model):
    """One sampled order or contract: its inspector and the finding recorded for it."""

    spot_check = models.ForeignKey(
        SpotCheck, verbose_name="抽查", on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField("抽取顺序")
    order = models.ForeignKey(Order, verbose_name="订单", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(
        Contract, verbose_name="合同", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="检查人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spot_check_items",
    )
    outcome = models.CharField("检查结论", max_length=10, choices=FindingOutcome.choices, blank=True)
    findings = models.TextField("检查情况", blank=True)
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        SanctionCase,
        verbose_name="立案处理",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spot_check_items",
    )

    class Meta:
        verbose_name = "抽查项目"
        verbose_name_plural = "抽查项目"
        ordering = ["spot_check", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["spot_check", "position"], name="spot_check_item_position_unique"
            ),
            models.UniqueConstraint(fields=["spot_check", "order"], name="spot_check_item_order_unique"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=[o.value for o in FindingOutcome]),
                name="spot_check_item_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | ~Q(findings=""), name="spot_check_item_outcome_needs_findings"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spot_check.number} #{self.position}"

"""Review assignments and decisions (SPEC V1, V2), public notices (公示) and objections (V3)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models

from voucher.applications.choices import ApplicationAction, ApplicationStatus
from voucher.applications.models import Application
from voucher.catalogue.models import Product
from voucher.core.uploads import opaque_upload_name
from voucher.programmes.models import ProgrammeYear
from voucher.reviews.choices import NoticePhase, ObjectionStatus


class ReviewAssignment(models.Model):
    """An admin gives a submitted application to a reviewer; once any exists, only assignees decide."""

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评审专家", on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="分配人", on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField("分配时间")

    class Meta:
        verbose_name = "评审分配"
        verbose_name_plural = "评审分配"
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="review_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.application.product_name} → {self.reviewer}"


class ReviewDecision(models.Model):
    """One decision on an application (V2), kept forever: the application holds only the latest."""

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.PROTECT, related_name="review_decisions"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评审人", on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("审核结果", max_length=10, choices=ApplicationAction.choices)
    status_after = models.CharField("审核后状态", max_length=10, choices=ApplicationStatus.choices)
    comment = models.TextField("审核意见/理由", blank=True)
    decided_at = models.DateTimeField("审核时间", db_index=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=["approve", "return", "reject"]),
                name="review_decision_action_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(action="approve") | ~models.Q(comment=""),
                name="review_decision_comment_when_not_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.product_name} {self.get_action_display()}"


class Notice(models.Model):
    """A public notice (公示) of approved products with its period; objections are filed during it."""

    programme = models.ForeignKey(
        ProgrammeYear, verbose_name="年度", on_delete=models.PROTECT, related_name="notices"
    )
    title = models.CharField("公示标题", max_length=200)
    starts_on = models.DateField("公示开始日")
    ends_on = models.DateField("公示结束日")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("发布时间")
    closed_at = models.DateTimeField("结束处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="notice_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def phase(self, today: dt.date) -> str:
        if self.closed_at is not None:
            return NoticePhase.CLOSED
        if today < self.starts_on:
            return NoticePhase.SCHEDULED
        if today <= self.ends_on:
            return NoticePhase.OPEN
        return NoticePhase.ENDED

    def is_open(self, today: dt.date) -> bool:
        return self.phase(today) == NoticePhase.OPEN


class NoticeItem(models.Model):
    """One product in a notice; a product is noticed exactly once."""

    notice = models.ForeignKey(Notice, verbose_name="公示", on_delete=models.CASCADE, related_name="items")
    product = models.OneToOneField(
        Product, verbose_name="产品", on_delete=models.PROTECT, related_name="notice_item"
    )
    position = models.PositiveIntegerField("序号")

    class Meta:
        verbose_name = "公示产品"
        verbose_name_plural = "公示产品"
        ordering = ["notice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "position"], name="notice_item_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.notice} · {self.product}"


def objection_path(instance: Objection, filename: str) -> str:
    """Product-notice evidence under ``objections/<notice>/``, payout-notice evidence under an opaque name in
    ``payout-objections/<batch>/``; the original name stays on the row."""
    if instance.batch_id is not None:
        return opaque_upload_name(f"payout-objections/{instance.batch_id}", filename)
    extension = filename[filename.rfind(".") :].lower() if "." in filename else ""
    return f"objections/{instance.notice_id}/{uuid.uuid4().hex}{extension}"


class Objection(models.Model):
    """An objection filed by anyone (no login needed) during a public notice period (SPEC V3, R7).

    One model for both notice kinds: a product notice (``notice`` and the ``product`` objected to) or a
    payout batch under notice (``batch``; the payout items it concerns are ``payout_items``). Exactly one
    notice kind is set, which the database checks.
    """

    notice = models.ForeignKey(
        Notice,
        verbose_name="公示",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    product = models.ForeignKey(
        Product,
        verbose_name="产品",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    # The payout batch lives in a higher layer; it is named by label so this app never imports it.
    batch = models.ForeignKey(
        "payouts.PayoutBatch",
        verbose_name="兑付批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    name = models.CharField("异议人姓名/单位", max_length=100)
    contact = models.CharField("联系方式", max_length=100)
    text = models.TextField("异议内容")
    file = models.FileField("证明材料", upload_to=objection_path, max_length=300, blank=True)
    file_name = models.CharField("文件名称", max_length=255, blank=True)
    file_content_type = models.CharField("文件类型", max_length=100, blank=True)
    file_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交账号（如已登录）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField("提交时间")
    status = models.CharField(
        "处理状态",
        max_length=10,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.OPEN,
        db_index=True,
    )
    resolution = models.TextField("处理意见", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ObjectionStatus]),
                name="objection_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(resolution=""),
                name="objection_resolution_text_when_resolved",
            ),
            models.CheckConstraint(
                condition=models.Q(notice__isnull=False, product__isnull=False, batch__isnull=True)
                | models.Q(notice__isnull=True, product__isnull=True, batch__isnull=False),
                name="objection_exactly_one_notice_kind",
            ),
        ]

    def __str__(self) -> str:
        if self.batch_id is not None:
            return f"{self.batch} · {self.name}"
        return f"{self.product} · {self.name}"

    @property
    def kind(self) -> str:
        """``product`` for a product notice, ``payout`` for a payout batch notice."""
        return "payout" if self.batch_id is not None else "product"

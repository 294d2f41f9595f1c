"""Statuses of outside deliveries and background jobs, and the channels notifications go out on."""

from django.db import models

from voucher.core.choices import Channel, DeliveryStatus

__all__ = ["Channel", "DeliveryStatus", "JobKind", "JobStatus"]


class JobKind(models.TextChoices):
    PAYOUT_EXPORT = "payout_export", "导出支付文件"
    AUDIT_EXPORT = "audit_export", "导出审计日志"


class JobStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"

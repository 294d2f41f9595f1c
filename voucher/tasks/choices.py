"""Statuses of outside deliveries and background jobs, and the channels notifications go out on."""

from django.db import models

from voucher.core.choices import Channel, DeliveryStatus

__all__ = ["Channel", "DeliveryStatus", "JobKind", "JobStatus"]


class JobKind(models.TextChoices):
    PAYOUT_EXPORT = "payout_export", "导出支付文件"
    AUDIT_EXPORT = "audit_export", "导出审计日志"
    DASHBOARD_EXPORT = "dashboard_export", "导出看板表格"
    CLAIM_PRECHECKS = "claim_prechecks", "兑券申请自动预检"
    APPLICATION_IMPORT = "application_import", "从Excel导入申请表"
    CLAIM_MERGE = "claim_merge", "合并兑券材料"
    BACKUP = "backup", "备份数据库和上传文件"
    CREDIT_LIST_IMPORT = "credit_list_import", "读取信用名单文件"
    CREDIT_LIST_APPLY = "credit_list_apply", "导入信用名单"


class JobStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"

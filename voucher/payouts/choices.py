"""Statuses and actions of payout batches, their items and objections (SPEC R7)."""

from __future__ import annotations

from django.db import models


class BatchStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    NOTICED = "noticed", "公示中"
    APPROVED = "approved", "已批准拨付"
    EXPORTED = "exported", "已导出支付文件"
    PARTLY_PAID = "partly_paid", "部分已支付"
    PAID = "paid", "已支付"
    CANCELLED = "cancelled", "已取消"


class BatchAction(models.TextChoices):
    EDIT = "edit", "调整批次内容"
    PUBLISH = "publish", "发布公示"
    CANCEL = "cancel", "取消批次"
    APPROVE = "approve", "批准拨付"
    EXPORT = "export", "导出支付文件"
    PAY = "pay", "登记支付"
    SETTLE = "settle", "全部明细已支付"


class ItemStatus(models.TextChoices):
    PENDING = "pending", "待支付"
    BLOCKED = "blocked", "异议处理中（暂缓）"
    PAID = "paid", "已支付"
    REMOVED = "removed", "已移出批次"


class ItemAction(models.TextChoices):
    BLOCK = "block", "因公示异议暂缓支付"
    UNBLOCK = "unblock", "恢复待支付"
    PAY = "pay", "登记支付"
    REMOVE = "remove", "移出批次"


# Items that still belong to the batch and count towards its total.
LIVE_ITEM_STATUSES = (ItemStatus.PENDING, ItemStatus.BLOCKED, ItemStatus.PAID)
# Batches the public sees (published at some point and not withdrawn as a draft).
PUBLIC_BATCH_STATUSES = (
    BatchStatus.NOTICED,
    BatchStatus.APPROVED,
    BatchStatus.EXPORTED,
    BatchStatus.PARTLY_PAID,
    BatchStatus.PAID,
)
# Batches whose items pay the payee account copied at publication: a provider with an unpaid item in one
# of them cannot change its account until the item is paid or leaves the batch (SPEC R7).
PAYEE_LOCKING_BATCH_STATUSES = (
    BatchStatus.NOTICED,
    BatchStatus.APPROVED,
    BatchStatus.EXPORTED,
    BatchStatus.PARTLY_PAID,
)

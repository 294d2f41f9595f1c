"""Kinds of violation (guide 五、5 / SPEC M5) and sanction statuses."""

from __future__ import annotations

from django.db import models

from voucher.contracts.choices import ContractStatus
from voucher.orders.choices import OrderStatus


class ViolationKind(models.TextChoices):
    TRANSFER = "transfer", "转让、倒卖服务券和已采购产品"
    CONCEALMENT = "concealment", "故意隐瞒真实情况等影响公平公正市场交易"
    FAKE_CONTRACT = "fake_contract", "虚构服务券合同或提高合同金额等方式套取服务券资金"
    OTHER = "other", "违反工作指南规定的其他行为"


class Party(models.TextChoices):
    """Which side of the trade a sanction is against."""

    ENTERPRISE = "enterprise", "企业"
    PROVIDER = "provider", "服务商"


class ClawbackOrigin(models.TextChoices):
    PROVIDER_REPORT = "provider_report", "服务商主动上报"
    ADMIN = "admin", "市经信局发起"
    SANCTION = "sanction", "违规处理"


class ClawbackReason(models.TextChoices):
    """Guide 五、4: no real service, or a full or partial refund after payout; 五、5: a violation."""

    FULL_REFUND = "full_refund", "全部退款"
    PARTIAL_REFUND = "partial_refund", "部分退款"
    NO_SERVICE = "no_service", "未开展实质服务"
    VIOLATION = "violation", "违规行为"
    OTHER = "other", "其他"


# What a provider may report itself (a violation is recorded by the Bureau).
PROVIDER_REASONS = (ClawbackReason.FULL_REFUND, ClawbackReason.PARTIAL_REFUND, ClawbackReason.NO_SERVICE)


class ClawbackStatus(models.TextChoices):
    OPEN = "open", "待退回"
    PARTLY_REPAID = "partly_repaid", "部分退回"
    REPAID = "repaid", "已全部退回"
    WAIVED = "waived", "已核销（免于追回）"


class ClawbackAction(models.TextChoices):
    REPAY_PART = "repay_part", "登记部分退回"
    REPAY_IN_FULL = "repay_in_full", "登记全部退回"
    WAIVE = "waive", "核销"


ACTIVE_CLAWBACK_STATUSES = (ClawbackStatus.OPEN, ClawbackStatus.PARTLY_REPAID)


class SpotCheckTarget(models.TextChoices):
    ORDERS = "orders", "订单"
    CONTRACTS = "contracts", "合同"


# The statuses a spot check's population can be narrowed to, by what it samples.
POPULATION_STATUSES: dict[str, list[tuple[str, str]]] = {
    SpotCheckTarget.ORDERS: list(OrderStatus.choices),
    SpotCheckTarget.CONTRACTS: list(ContractStatus.choices),
}


class SpotCheckStatus(models.TextChoices):
    OPEN = "open", "检查中"
    CLOSED = "closed", "已完成"


class SpotCheckAction(models.TextChoices):
    CLOSE = "close", "完成抽查"


class FindingOutcome(models.TextChoices):
    COMPLIANT = "compliant", "合规"
    ISSUE = "issue", "发现问题"
    VIOLATION = "violation", "违规（需立案处理）"

"""Kinds of violation (guide 五、5 / SPEC M5) and sanction statuses."""

from __future__ import annotations

from django.db import models


class ViolationKind(models.TextChoices):
    TRANSFER = "transfer", "转让、倒卖服务券和已采购产品"
    CONCEALMENT = "concealment", "故意隐瞒真实情况等影响公平公正市场交易"
    FAKE_CONTRACT = "fake_contract", "虚构服务券合同或提高合同金额等方式套取服务券资金"
    OTHER = "other", "违反工作指南规定的其他行为"

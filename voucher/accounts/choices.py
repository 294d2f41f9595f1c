"""Roles (SPEC §2)."""

from django.db import models


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    PROVIDER = "provider", "服务商"
    REVIEWER = "reviewer", "评审机构"
    ADMIN = "admin", "市经信局"


class NameChangeStatus(models.TextChoices):
    PENDING = "pending", "待核验"
    APPROVED = "approved", "已核准"
    REJECTED = "rejected", "未核准"

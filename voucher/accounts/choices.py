"""Roles (SPEC §2)."""

from django.db import models

from voucher.core.roles import Role

__all__ = ["NameChangeStatus", "Role"]


class NameChangeStatus(models.TextChoices):
    PENDING = "pending", "待核验"
    APPROVED = "approved", "已核准"
    REJECTED = "rejected", "未核准"

"""Roles (SPEC §2): the kernel's names for who acts, so every layer can check them without importing accounts.

``voucher.accounts.choices.Role`` is the same enum.
"""

from django.db import models


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    PROVIDER = "provider", "服务商"
    REVIEWER = "reviewer", "评审机构"
    ADMIN = "admin", "市经信局"

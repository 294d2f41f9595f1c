"""Statuses of a listed product."""

from django.db import models


class ProductStatus(models.TextChoices):
    NOTICED = "noticed", "公示中"
    READY = "ready", "待上线"
    ON_SALE = "on_sale", "在售"
    SUSPENDED = "suspended", "暂停交易"
    WITHDRAWN = "withdrawn", "已下架"

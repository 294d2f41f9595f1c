"""Statuses of a listed product."""

from django.db import models


class ProductStatus(models.TextChoices):
    NOTICED = "noticed", "公示中"
    READY = "ready", "待上线"
    ON_SALE = "on_sale", "在售"
    SUSPENDED = "suspended", "暂停交易"
    WITHDRAWN = "withdrawn", "已下架"


class ProductAction(models.TextChoices):
    """Moves between product statuses; the table in :mod:`voucher.catalogue.transitions` allows them."""

    MARK_READY = "mark_ready", "公示期满，转为待上线"
    PUT_ON_SALE = "put_on_sale", "设置服务券数量并上线"
    WITHDRAW = "withdraw", "下架（异议成立）"
    SUSPEND = "suspend", "暂停交易（违规处理）"
    RESUME = "resume", "恢复交易"


class CatalogueSort(models.TextChoices):
    DEFAULT = "", "默认排序"
    PRICE_ASC = "price", "价格从低到高"
    PRICE_DESC = "-price", "价格从高到低"
    RATING = "-rating", "评分从高到低"
    VOUCHERS = "-vouchers", "剩余服务券从多到少"

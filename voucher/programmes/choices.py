"""Statuses and kinds of the programme year and its categories."""

from django.db import models


class YearStatus(models.TextChoices):
    DRAFT = "draft", "筹备中"
    ACTIVE = "active", "进行中"
    CLOSED = "closed", "已结束"


class RequirementKind(models.TextChoices):
    """How a direction's requirement (K1–K6) is checked; its parameters live in ``params``."""

    CAC_FILING = "cac_filing", "须有网信办备案"
    PROVIDER_QUALIFICATION = "provider_qualification", "服务商须具备资质（任一）"
    EXCLUDED_PRODUCT_TYPES = "excluded_product_types", "不支持的产品类型"
    ENTERPRISE_INDUSTRY = "enterprise_industry", "购买企业行业限制"
    OWN_BRAND_ONLY = "own_brand_only", "仅限自有品牌或产品"
    EXCLUSIVE_PRODUCT_LINES = "exclusive_product_lines", "同一服务商不得同时申请的产品线"


class InvoiceAmountBasis(models.TextChoices):
    """Which contract amount the claim's invoice must equal (a programme-year setting)."""

    TOTAL = "total", "合同总金额"
    OWN_PAYMENT = "own_payment", "企业自付额度"

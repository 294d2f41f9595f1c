"""Statuses and kinds of the enterprises app."""

from django.db import models


class AuthStatus(models.TextChoices):
    VERIFIED = "verified", "认证通过"
    REFUSED = "refused", "认证未通过"


class SizeClass(models.TextChoices):
    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


# Order used by the classifier: a tier is reached only if every listed indicator meets its minimum.
SIZE_ORDER = [SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO]


class CreditOutcome(models.TextChoices):
    PASS = "pass", "通过"
    FAIL = "fail", "不通过"
    UNKNOWN = "unknown", "无法确认"


class CreditContext(models.TextChoices):
    AUTHENTICATION = "authentication", "企业认证"
    CLASSIFICATION = "classification", "企业划型"
    ORDER = "order", "下单"
    CLAIM_REVIEW = "claim_review", "兑券审核"
    APPLICATION = "application", "服务商申报"
    MANUAL = "manual", "人工核查"


class CreditListKind(models.TextChoices):
    SERIOUS_NEGATIVE = "serious_negative", "严重失信（严重负面）记录"
    DISHONEST_DEBTOR = "dishonest_debtor", "失信被执行人"


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", "待确认"
    APPLIED = "applied", "已导入"
    DISCARDED = "discarded", "已放弃"


class LedgerKind(models.TextChoices):
    GRANT = "grant", "年度额度发放"
    RESERVE = "reserve", "下单预占"
    RELEASE = "release", "释放预占"
    COMMIT = "commit", "合同确认"
    PAY = "pay", "兑付"
    CLAWBACK = "clawback", "追回"


class RefusalCode(models.TextChoices):
    """Why an enterprise is not eligible (stored on the classification, shown verbatim)."""

    LARGE = "large_enterprise", "大型企业"
    CREDIT = "credit", "信用核查未通过"
    CREDIT_UNKNOWN = "credit_unknown", "信用核查无法确认"


class RedeclarationStatus(models.TextChoices):
    """A re-declaration that changes the outcome, where the year requires supporting statements."""

    PENDING = "pending", "待市经信局确认"
    CONFIRMED = "confirmed", "已确认生效"
    REJECTED = "rejected", "未予确认"

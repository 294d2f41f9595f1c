"""Statuses of notices and objections (SPEC V3)."""

from django.db import models


class NoticePhase(models.TextChoices):
    """Where a notice stands, derived from its dates and whether an admin closed it."""

    SCHEDULED = "scheduled", "未开始"
    OPEN = "open", "公示中"
    ENDED = "ended", "公示期满（待处理）"
    CLOSED = "closed", "已结束"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


class ObjectionAction(models.TextChoices):
    UPHOLD = "uphold", "认定异议成立"
    DISMISS = "dismiss", "认定异议不成立"

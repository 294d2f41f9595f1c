"""Contract statuses and actions (SPEC C2–C7)."""

from django.db import models


class ContractStatus(models.TextChoices):
    RECORDED = "recorded", "待企业确认"
    CONFIRMED = "confirmed", "双方已确认（服务中）"
    COMPLETED = "completed", "服务已完成"


class ContractAction(models.TextChoices):
    CONFIRM = "confirm", "确认合同条款"
    AMEND = "amend", "变更合同"
    COMPLETE = "complete", "确认服务完成"


# The satisfaction criteria (满意度评价), each scored 1–5; 总体满意度 is the product's headline score.
RATING_CRITERIA: list[tuple[str, str]] = [
    ("quality", "服务质量"),
    ("responsiveness", "响应及时性"),
    ("expertise", "专业能力"),
    ("overall", "总体满意度"),
]
SCORE_MIN, SCORE_MAX = 1, 5

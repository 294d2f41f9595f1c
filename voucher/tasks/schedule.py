"""The schedule of periodic work, installed into django-celery-beat's tables (editable in 管理后台).

Entries are created when missing and never overwritten, so a change made by the Bureau in the admin
(a different time, a task switched off) survives upgrades.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Entry:
    name: str
    task: str
    minute: str
    hour: str
    description: str


SCHEDULE = (
    Entry("订单超时取消与接单提醒", "voucher.orders_sweep", "*", "*", "每分钟：超时未接单的订单自动取消，提醒今日到期的订单"),
    Entry("兑券期限届满视同放弃", "voucher.claims_sweep", "*/5", "*", "每 5 分钟：兑券期限届满仍未申请的订单视同放弃兑付"),
    Entry("审计日志封存", "voucher.audit_seal", "*", "*", "每分钟：把新的审计日志条目封存进哈希链"),
    Entry("审计日志校验", "voucher.audit_verify", "30", "2", "每晚 02:30：校验审计日志哈希链，失败时通知市经信局管理员"),
    Entry("节假日安排检查", "voucher.holiday_schedule_check", "0", "9", "每天 09:00：11 月起检查是否已录入下一年节假日安排"),
    Entry("通知与任务补发", "voucher.outbox_redispatch", "*", "*", "每分钟：重新派发超过几分钟仍未处理的通知投递和后台任务"),
)  # fmt: skip


def install_schedule(periodic_task: Any, crontab_schedule: Any) -> int:
    """Create the missing entries (models passed in, so a migration can use its historical ones)."""
    created = 0
    for entry in SCHEDULE:
        if periodic_task.objects.filter(name=entry.name).exists():
            continue
        crontab, _ = crontab_schedule.objects.get_or_create(
            minute=entry.minute,
            hour=entry.hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=TIMEZONE,
        )
        periodic_task.objects.create(
            name=entry.name, task=entry.task, crontab=crontab, description=entry.description, enabled=True
        )
        created += 1
    return created

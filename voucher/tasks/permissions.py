"""Who sees background work: delivery records and backups are the Bureau's; a job is its owner's."""

from __future__ import annotations

from typing import Any

from voucher.core.permissions import ALLOWED, Decision, can, deny, has_capability, logged_in
from voucher.tasks.models import Job


def can_view_deliveries(user: Any) -> Decision:
    """The Bureau's administrators (市经信局) see every outside delivery and its state."""
    return can(user, "tasks.view_deliveries", "只有市经信局管理员可以查看通知投递记录。", "not_admin")


def can_view_job(user: Any, job: Job) -> Decision:
    """A job's progress and file are for the user who started it."""
    if not (decision := logged_in(user)):
        return decision
    if job.owner_id == user.pk:
        return ALLOWED
    return deny("只能查看自己发起的后台任务。", "not_owner")


def can_manage_backups(user: Any) -> Decision:
    """Backups hold every enterprise's data: the Bureau's administrators and the platform's staff only."""
    if not (decision := logged_in(user)):
        return decision
    if has_capability(user, "tasks.manage_backups") or user.is_staff:
        return ALLOWED
    return deny("只有市经信局管理员可以备份数据。", "not_admin")


def can_set_preferences(user: Any) -> Decision:
    """Every logged-in user chooses what reaches them outside the platform."""
    return logged_in(user)

"""Outbox rows for background work: every outside delivery and every long job is a row before it is a task.

A task is published only after the transaction that wrote its row commits; a periodic task publishes
again any row still pending a few minutes after it was due, so nothing is lost between commit and publish.
The deliveries and notification preferences belong to the notification outbox in the kernel
(``voucher.core.models``); they are named here too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from voucher.core.models import Delivery, NotificationPreference
from voucher.tasks.choices import JobKind, JobStatus

__all__ = ["Delivery", "Job", "NotificationPreference"]


def job_upload_to(job: Job, filename: str) -> str:
    return f"jobs/{job.pk}/{filename}"


class Job(models.Model):
    """A long piece of work (payment file, audit export) run by a worker; the page polls its progress.

    The worker runs the job in one transaction holding this row's lock, so a worker that dies leaves the
    row pending for the next one; live progress is kept in the shared ``progress`` cache meanwhile.
    """

    kind = models.CharField("类型", max_length=30, choices=JobKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="jobs"
    )
    params = models.JSONField("参数", default=dict, blank=True)
    title = models.CharField("名称", max_length=200)
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    file = models.FileField("结果文件", upload_to=job_upload_to, blank=True)
    filename = models.CharField("下载文件名", max_length=200, blank=True)
    message = models.CharField("结果说明", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", db_index=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=JobStatus.values), name="job_status_valid"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_at_most_100"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="job_pending")]

    def __str__(self) -> str:
        return self.title

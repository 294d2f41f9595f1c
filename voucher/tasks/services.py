"""Background jobs with progress, and the scheduled work that is not part of another app's services.

A job is a :class:`Job` row written in the request's transaction and published after commit. The worker
runs it in one transaction holding the row's lock: a second worker with the same message skips it, and
a worker that dies mid-job leaves the row pending for the redelivered message (or the outbox sweep).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable
from contextlib import suppress
from typing import IO, Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse

from voucher.accounts.choices import Role
from voucher.accounts.models import User
from voucher.core import clock
from voucher.core.audit import audit_record
from voucher.core.audit_chain import audit_log_row, audit_verify
from voucher.core.audit_export import audit_log_export
from voucher.core.audit_permissions import can_view_audit_log
from voucher.core.audit_selectors import AuditFilters, audit_filters
from voucher.core.notifications import notify
from voucher.core.workdays import ScheduleMissing, scheduled_years
from voucher.orders.services import alert_schedule_missing
from voucher.payouts import permissions as payout_permissions
from voucher.payouts.models import PayoutBatch
from voucher.payouts.services import payout_batch_export
from voucher.tasks.choices import JobKind, JobStatus
from voucher.tasks.models import Job

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_SECONDS = 3600
# From this month on, a missing schedule for next year is reported (the State Council publishes in Q4).
HOLIDAY_ALERT_FROM_MONTH = 11

Progress = Callable[[int, int], None]


def _progress_key(job_id: int) -> str:
    return f"job:{job_id}"


def job_progress(job: Job) -> int:
    """Percent done: the live figure a worker reports while the job runs, else the recorded one."""
    if job.status != JobStatus.PENDING:
        return job.progress
    live = caches["progress"].get(_progress_key(job.pk))
    return int(live) if live is not None else job.progress


def _reporter(job: Job) -> Progress:
    def report(done: int, total: int) -> None:
        percent = min(99, done * 100 // total) if total else 0
        caches["progress"].set(_progress_key(job.pk), percent, PROGRESS_SECONDS)

    return report


def _publish_job(job_id: int) -> None:
    from voucher.tasks.tasks import job_run_task  # the tasks module imports this one

    try:
        job_run_task.delay(job_id)
    except Exception:
        logger.exception("job %s could not be published; the outbox will publish it again", job_id)


def _job_create(*, actor: Any, kind: str, title: str, params: dict[str, Any]) -> Job:
    job = Job.objects.create(kind=kind, owner=actor, title=title, params=params, created_at=clock.now())
    transaction.on_commit(lambda: _publish_job(job.pk))
    return job


@transaction.atomic
def payout_export_job_start(*, actor: Any, batch: PayoutBatch) -> Job:
    """Queue the payment file of ``batch`` for a worker; the checks are repeated when it runs."""
    payout_permissions.can_export_batch(actor, batch).enforce()
    return _job_create(
        actor=actor,
        kind=JobKind.PAYOUT_EXPORT,
        title=f"支付文件 {batch.number}",
        params={"batch": batch.pk},
    )


@transaction.atomic
def audit_export_job_start(*, actor: Any, filters: AuditFilters) -> Job:
    """Queue an Excel export of the filtered audit log for a worker."""
    can_view_audit_log(actor).enforce()
    return _job_create(
        actor=actor, kind=JobKind.AUDIT_EXPORT, title="导出审计日志", params={"filters": filters.as_dict()}
    )


def _run_payout_export(job: Job, progress: Progress, out: IO[bytes]) -> tuple[str, str]:
    batch = PayoutBatch.objects.get(pk=job.params["batch"])
    result = payout_batch_export(actor=job.owner, batch=batch, out=out, progress=progress)
    return f"支付文件-{batch.number}.xlsx", f"共 {result.rows} 笔，合计 {result.total} 元"


def _run_audit_export(job: Job, progress: Progress, out: IO[bytes]) -> tuple[str, str]:
    filters = audit_filters(job.params.get("filters", {}))
    target, count = audit_log_export(actor=job.owner, filters=filters, progress=progress)
    with target:
        while chunk := target.read(1 << 20):
            out.write(chunk)
    return f"审计日志-{clock.now():%Y%m%d-%H%M%S}.xlsx", f"共 {count} 条"


RUNNERS: dict[str, Callable[[Job, Progress, IO[bytes]], tuple[str, str]]] = {
    JobKind.PAYOUT_EXPORT: _run_payout_export,
    JobKind.AUDIT_EXPORT: _run_audit_export,
}


def _refusal(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "没有权限。"


def job_run(job_id: int) -> str:
    """Run a pending job once; returns its status afterwards (idempotent, safe on several workers)."""
    with transaction.atomic():
        job = (
            Job.objects.select_for_update(skip_locked=True)
            .select_related("owner")
            .filter(pk=job_id, status=JobStatus.PENDING)
            .first()
        )
        if job is None:
            return str(Job.objects.filter(pk=job_id).values_list("status", flat=True).first() or "")
        progress = _reporter(job)
        with tempfile.TemporaryFile() as out:
            try:
                with transaction.atomic():
                    filename, message = RUNNERS[job.kind](job, progress, out)
            except (ValidationError, PermissionDenied) as exc:
                job.status, job.message = JobStatus.FAILED, _refusal(exc)[:500]
            else:
                out.seek(0)
                job.file.save(filename, File(out), save=False)
                job.status, job.message, job.filename, job.progress = JobStatus.DONE, message, filename, 100
        job.finished_at = clock.now()
        job.save()
    caches["progress"].delete(_progress_key(job_id))
    return job.status


def jobs_redispatch() -> int:
    """Publish again every job still pending a few minutes after it was queued; returns how many."""
    stale = clock.now() - dt.timedelta(seconds=settings.VOUCHER_OUTBOX_STALE_SECONDS)
    ids = list(
        Job.objects.filter(status=JobStatus.PENDING, created_at__lte=stale)
        .order_by("created_at")
        .values_list("pk", flat=True)[:200]
    )
    for job_id in ids:
        _publish_job(job_id)
    return len(ids)


def _admins() -> Any:
    return User.objects.filter(role=Role.ADMIN, is_active=True)


def audit_verify_nightly() -> bool:
    """Verify the audit hash chain; when it is broken, tell the Bureau's administrators (once a day)."""
    result = audit_verify()
    if result.ok:
        return True
    assert result.problem is not None
    today = clock.today()
    with suppress(IntegrityError), transaction.atomic():  # another run alerted first today
        alerted = notify(
            recipients=_admins(),
            kind="audit_verify_failed",
            title="审计日志校验失败",
            body=f"共 {result.problems} 处问题，第一处：{result.problem.describe()}",
            url=reverse("core:audit_list"),
            dedupe_key=f"audit-verify-failed-{today.isoformat()}",
        )
        if alerted:
            audit_record(
                actor=None,
                action="audit_log.verify_failed",
                obj=audit_log_row(),
                after={"problems": result.problems},
                note=result.problem.describe(),
            )
    return False


def holiday_schedule_check(*, today: dt.date | None = None) -> int | None:
    """From November on, alert the administrators once when next year's holiday schedule is missing;
    returns the missing year, or None."""
    day = today or clock.today()
    if day.month < HOLIDAY_ALERT_FROM_MONTH or day.year + 1 in scheduled_years():
        return None
    with suppress(IntegrityError):  # another run alerted first
        alert_schedule_missing(ScheduleMissing(day.year + 1))
    return day.year + 1

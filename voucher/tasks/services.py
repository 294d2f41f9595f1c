"""Background jobs with progress, and the scheduled work that is not part of another app's services.

A job is a :class:`Job` row written in the request's transaction and published after commit; uploads
it works on are saved first, beside the row. The worker runs it in one transaction holding the row's
lock: a second worker with the same message skips it, a worker that dies mid-job leaves the row pending
for the redelivered message (or the outbox sweep), and a job refused half-way saves nothing.

The jobs: the payment file, the audit and dashboard exports, a claim's pre-checks, the Excel import of
an application form, the merge of claim materials into one PDF, a backup, and the credit list's import
(reading the uploaded list for its preview, then adding its valid rows).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import tarfile
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse

from voucher.accounts.selectors import active_users_with
from voucher.applications import permissions as application_permissions
from voucher.applications.models import Application
from voucher.claims import files as claim_files
from voucher.claims.choices import CheckOutcome
from voucher.claims.models import Claim
from voucher.claims.permissions import can_edit_claim
from voucher.core import clock
from voucher.core.audit import audit_record
from voucher.core.audit_chain import audit_log_row, audit_verify
from voucher.core.audit_export import audit_log_export
from voucher.core.audit_permissions import can_view_audit_log
from voucher.core.audit_selectors import AuditFilters, audit_filters
from voucher.core.backup import BackupError, backup_create
from voucher.core.errors import refuse
from voucher.core.notifications import notify
from voucher.core.uploads import on_commit_or_discard
from voucher.core.workdays import ScheduleMissing, scheduled_years
from voucher.dashboards import exports as dashboard_exports
from voucher.dashboards.permissions import can_view_dashboard
from voucher.dashboards.tables import TABLES
from voucher.enterprises.choices import ImportStatus
from voucher.enterprises.imports import credit_list_upload_check
from voucher.enterprises.models import CreditListImport
from voucher.enterprises.permissions import can_manage_credit_list
from voucher.orders.services import alert_schedule_missing
from voucher.payouts import permissions as payout_permissions
from voucher.payouts.models import PayoutBatch
from voucher.payouts.services import payout_batch_export
from voucher.tasks.choices import JobKind, JobStatus
from voucher.tasks.models import Job
from voucher.tasks.permissions import can_manage_backups

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


def _job_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    params: dict[str, Any],
    inputs: Sequence[tuple[str, Any]] = (),
) -> Job:
    """The job's row, with ``inputs`` (``(name, file)`` uploads) saved beside it, published after commit.

    The uploads are kept only if the transaction commits: when it rolls back (the start refused later in
    the same request, a failure while saving), the files saved for the job are deleted again."""
    job = Job.objects.create(kind=kind, owner=actor, title=title, params=params, created_at=clock.now())
    stored: list[str] = []
    job_id = job.pk
    on_commit_or_discard(lambda: _publish_job(job_id), stored)
    if inputs:
        saved = []
        for position, (name, file) in enumerate(inputs, start=1):
            file.seek(0)
            path = default_storage.save(f"jobs/{job.pk}/in/{position}{Path(name).suffix.lower()[:10]}", file)
            stored.append(path)
            saved.append({"path": path, "name": name})
        job.params = {**params, "inputs": saved}
        job.save(update_fields=["params"])
    return job


def job_inputs(job: Job) -> list[ContentFile[bytes]]:
    """The uploads saved with the job, each under the name it was uploaded with."""
    files = []
    for item in job.params.get("inputs", []):
        with default_storage.open(item["path"], "rb") as handle:
            files.append(ContentFile(handle.read(), name=item["name"]))
    return files


def _pending(kind: str, owner: Any, **params: Any) -> Job | None:
    lookups = {f"params__{key}": value for key, value in params.items()}
    return (
        Job.objects.filter(kind=kind, owner=owner, status=JobStatus.PENDING, **lookups)
        .order_by("-created_at")
        .first()
    )


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


@transaction.atomic
def dashboard_export_job_start(*, actor: Any, request: dashboard_exports.ExportRequest, via: str = "") -> Job:
    """Queue one dashboard table as an Excel or CSV file; ``via`` names the way it was asked for in the
    audit log (the API), as :func:`voucher.dashboards.exports.dashboard_export` records it."""
    can_view_dashboard(actor).enforce()
    label = dashboard_exports.FORMATS[request.fmt]
    return _job_create(
        actor=actor,
        kind=JobKind.DASHBOARD_EXPORT,
        title=f"导出看板表格：{TABLES[request.table]}（{label}）",
        params={**request.as_dict(), **({"via": via} if via else {})},
    )


def claim_prechecks_pending(*, actor: Any, claim: Claim) -> Job | None:
    """The pre-check job of ``claim`` that ``actor`` started and a worker has not finished yet."""
    return _pending(JobKind.CLAIM_PRECHECKS, actor, claim=claim.pk)


def claim_prechecks_finished(*, actor: Any, claim: Claim, job_id: Any) -> bool:
    """Whether ``job_id`` names a pre-check job of ``claim`` that ``actor`` started and a worker finished
    (the confirmation page then shows its results rather than queueing the pre-checks again)."""
    try:
        pk = int(job_id)
    except (TypeError, ValueError):
        return False
    return Job.objects.filter(
        pk=pk,
        kind=JobKind.CLAIM_PRECHECKS,
        owner_id=actor.pk,
        params__claim=claim.pk,
        status=JobStatus.DONE,
    ).exists()


@transaction.atomic
def claim_prechecks_job_start(*, actor: Any, claim: Claim, step: str = "checks") -> Job:
    """Queue the claim's pre-checks (R8); while one is queued for the same user, that one is returned.

    ``step`` is the wizard page the finished job leads back to: the pre-checks (``"checks"``) or the
    confirmation (``"confirm"``)."""
    can_edit_claim(actor, claim).enforce()
    queued = claim_prechecks_pending(actor=actor, claim=claim)
    if queued is not None:
        return queued
    number = claim.order.number
    params: dict[str, Any] = {"claim": claim.pk, "number": number}
    if step == "confirm":
        params["step"] = step
    return _job_create(actor=actor, kind=JobKind.CLAIM_PRECHECKS, title=f"自动预检 {number}", params=params)


@transaction.atomic
def application_import_job_start(*, actor: Any, application: Application, file: Any) -> Job:
    """Save the uploaded Excel and queue filling the form from it (P6).

    The file's type and its sheets' size (``MAX_ROWS`` × ``MAX_COLUMNS``) are checked here, so a wrong
    file is refused at the field at once; the cells are read by the worker, all or nothing.
    """
    from voucher.applications.services import application_excel_inspect

    application_permissions.can_edit_application(actor, application).enforce()
    name = application_excel_inspect(file, "申请表.xlsx")
    return _job_create(
        actor=actor,
        kind=JobKind.APPLICATION_IMPORT,
        title=f"从Excel导入申请表“{name}”",
        params={"application": application.pk},
        inputs=[(name, file)],
    )


@transaction.atomic
def claim_merge_job_start(
    *, actor: Any, claim: Claim, kind: str, files: Sequence[Any], order: str | None = None, name: str = ""
) -> Job:
    """Save the uploaded photos/PDFs and queue merging them into one PDF in the claim's slot ``kind``.

    The number of files, the order and each file's size are checked here; the content when merging.
    """
    can_edit_claim(actor, claim).enforce()
    files = [f for f in files if f]
    if len(files) < 2:
        raise refuse("merge_too_few", "请至少选择两个文件进行合并。", "files")
    if len(files) > claim_files.MERGE_MAX_FILES:
        raise refuse("merge_too_many", f"一次最多合并 {claim_files.MERGE_MAX_FILES} 个文件。", "files")
    claim_files.parse_order(order, len(files))
    limit = claim_files.max_upload_bytes()
    for file in files:
        if (file.size or 0) > limit:
            raise refuse(
                "file_too_large",
                f"文件“{claim_files.clean_name(file)}”超过 {limit // (1024 * 1024)} MB。",
                "files",
            )
    number = claim.order.number
    return _job_create(
        actor=actor,
        kind=JobKind.CLAIM_MERGE,
        title=f"合并 {len(files)} 个文件（{number}）",
        params={"claim": claim.pk, "number": number, "kind": kind, "order": order or "", "name": name},
        inputs=[(claim_files.clean_name(f), f) for f in files],
    )


@transaction.atomic
def backup_job_start(*, actor: Any) -> Job:
    """Queue a backup of the database and the uploaded files (the Bureau's administrators)."""
    can_manage_backups(actor).enforce()
    return _job_create(actor=actor, kind=JobKind.BACKUP, title="备份数据库和上传文件", params={})


@transaction.atomic
def credit_list_import_job_start(*, actor: Any, file: Any) -> Job:
    """Save an uploaded credit list (CSV or Excel) and queue reading it into a preview (E4).

    The file's type, size and sheet size are checked here; its rows are read by the worker, whose job
    lists each wrong row in Chinese and leads to the preview, where the valid rows are confirmed."""
    can_manage_credit_list(actor).enforce()
    name = credit_list_upload_check(file)
    job = _job_create(
        actor=actor,
        kind=JobKind.CREDIT_LIST_IMPORT,
        title=f"读取信用名单“{name}”",
        params={},
        inputs=[(name, file)],
    )
    audit_record(actor=actor, action="credit_list.import_queued", obj=job, after={"file": name})
    return job


@transaction.atomic
def credit_list_apply_job_start(*, actor: Any, batch: CreditListImport) -> Job:
    """Queue adding the valid rows of a previewed credit-list import to the list (E4); while one is
    queued for the same batch and user, that one is returned."""
    can_manage_credit_list(actor).enforce()
    queued = _pending(JobKind.CREDIT_LIST_APPLY, actor, batch=batch.pk)
    if queued is not None:
        return queued
    if batch.status != ImportStatus.PREVIEW:  # checked again by the worker, under the batch's lock
        raise ValidationError(ValidationError("该导入批次已处理，不能重复导入。", code="import_not_pending"))
    job = _job_create(
        actor=actor,
        kind=JobKind.CREDIT_LIST_APPLY,
        title=f"导入信用名单“{batch.file_name}”（{len(batch.rows)} 条）",
        params={"batch": batch.pk},
    )
    audit_record(actor=actor, action="credit_list.apply_queued", obj=batch, after={"job": job.pk})
    return job


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


def _run_dashboard_export(job: Job, progress: Progress, out: IO[bytes]) -> tuple[str, str]:
    request = dashboard_exports.ExportRequest(
        table=job.params["table"], query=job.params.get("query", {}), fmt=job.params.get("format", "xlsx")
    )
    exported = dashboard_exports.dashboard_export(
        actor=job.owner, request=request, via=job.params.get("via", "")
    )
    out.write(exported.content)
    return exported.filename, f"{exported.title}，{dashboard_exports.FORMATS[request.fmt]} 文件"


def _run_claim_prechecks(job: Job, progress: Progress, out: IO[bytes]) -> tuple[str, str]:
    from voucher.claims.services import claim_run_prechecks

    claim = Claim.objects.get(pk=job.params["claim"])
    checks = claim_run_prechecks(actor=job.owner, claim=claim)
    counts = Counter(c.outcome for c in checks)
    audit_record(
        actor=job.owner,
        action="claim.prechecked",
        obj=claim,
        after={o: counts[o] for o in CheckOutcome.values},
    )
    return "", (
        f"共 {len(checks)} 项：通过 {counts[CheckOutcome.PASS]} 项，不通过 {counts[CheckOutcome.FAIL]} 项，"
        f"无法判断 {counts[CheckOutcome.UNKNOWN]} 项"
    )


def _run_application_import(job: Job, progress: Progress, out: IO[bytes]) -> tuple[str, str]:
    from voucher.applications.services import application_import_excel

    application = Application.objects.get(pk=job.params["application"])
    [excel] = job_inputs(job)
    application_import_excel(actor=job.owner, application=application, file=excel)
    return "", "已从Excel填充申请表，并保存为申请表Excel版。请检查后点击“保存”。"


def _run_claim_merge(job: Job, progress: Progress, out: IO[bytes]) -> tuple[str, str]:
    from voucher.claims.services import claim_material_merge

    claim = Claim.objects.get(pk=job.params["claim"])
    material = claim_material_merge(
        actor=job.owner,
        claim=claim,
        kind=job.params["kind"],
        files=job_inputs(job),
        order=job.params.get("order") or None,
        name=job.params.get("name", ""),
    )
    with material.file.open("rb") as merged:
        while chunk := merged.read(1 << 20):
            out.write(chunk)
    return material.original_name, (
        f"已合并 {len(material.merged_from)} 个文件为“{material.original_name}”（{material.page_count} 页）。"
    )


def _run_backup(job: Job, progress: Progress, out: IO[bytes]) -> tuple[str, str]:
    can_manage_backups(job.owner).enforce()
    with tempfile.TemporaryDirectory() as folder:
        try:
            backup = backup_create(dest=Path(folder))
        except BackupError as exc:
            raise ValidationError(str(exc), code="backup_failed") from exc
        manifest = (backup / "manifest.json").read_text(encoding="utf-8")
        with tarfile.open(fileobj=out, mode="w") as archive:
            archive.add(backup, arcname=backup.name)
    facts = json.loads(manifest)
    audit_record(
        actor=job.owner,
        action="backup.created",
        obj=job,
        after={"folder": backup.name, "vendor": facts["vendor"], "media_files": facts["media_files"]},
    )
    return f"{backup.name}.tar", f"数据库（{facts['vendor']}）和 {facts['media_files']} 个上传文件"


def _run_credit_list_import(job: Job, progress: Progress, out: IO[bytes]) -> tuple[str, str]:
    from voucher.enterprises.services import credit_list_import_preview

    [upload] = job_inputs(job)
    batch = credit_list_import_preview(
        actor=job.owner, file_name=str(upload.name), content=upload.read(), progress=progress
    )
    job.params = {**job.params, "batch": batch.pk}
    job.details = [str(error["message"]) for error in batch.errors]
    return "", (
        f"有效 {len(batch.rows)} 行，错误 {len(batch.errors)} 行（错误行不会导入）。"
        + ("请在预览中核对后确认导入。" if batch.rows else "没有可导入的有效行。")
    )


def _run_credit_list_apply(job: Job, progress: Progress, out: IO[bytes]) -> tuple[str, str]:
    from voucher.enterprises.services import credit_list_import_apply

    batch = CreditListImport.objects.get(pk=job.params["batch"])
    entries = credit_list_import_apply(actor=job.owner, batch=batch, progress=progress)
    return "", f"已导入 {len(entries)} 条记录。"


RUNNERS: dict[str, Callable[[Job, Progress, IO[bytes]], tuple[str, str]]] = {
    JobKind.PAYOUT_EXPORT: _run_payout_export,
    JobKind.AUDIT_EXPORT: _run_audit_export,
    JobKind.DASHBOARD_EXPORT: _run_dashboard_export,
    JobKind.CLAIM_PRECHECKS: _run_claim_prechecks,
    JobKind.APPLICATION_IMPORT: _run_application_import,
    JobKind.CLAIM_MERGE: _run_claim_merge,
    JobKind.BACKUP: _run_backup,
    JobKind.CREDIT_LIST_IMPORT: _run_credit_list_import,
    JobKind.CREDIT_LIST_APPLY: _run_credit_list_apply,
}


def job_result_api_url(job: Job) -> str:
    """Where the API shows what the job made, if it made a record of its own (the credit list's preview)."""
    if job.kind == JobKind.CREDIT_LIST_IMPORT and "batch" in job.params:
        return reverse("api:credit_import", args=[job.params["batch"]])
    return ""


def job_result_url(job: Job) -> str:
    """The page that shows what the job changed (the claim's pre-checks, the filled form), if any."""
    if job.kind == JobKind.CLAIM_PRECHECKS:
        if job.params.get("step") == "confirm":
            return f"{reverse('claims:confirm', args=[job.params['number']])}?checked={job.pk}"
        return reverse("claims:checks", args=[job.params["number"]])
    if job.kind == JobKind.CLAIM_MERGE:
        return reverse("claims:materials", args=[job.params["number"]])
    if job.kind == JobKind.CREDIT_LIST_IMPORT and "batch" in job.params:
        return reverse("enterprises:credit_import", args=[job.params["batch"]])
    if job.kind in (JobKind.CREDIT_LIST_IMPORT, JobKind.CREDIT_LIST_APPLY):
        return reverse("enterprises:credit_list")
    if job.kind == JobKind.APPLICATION_IMPORT:
        name = "applications:edit" if job.status == JobStatus.DONE else "applications:detail"
        return reverse(name, args=[job.params["application"]])
    return ""


def _refusal(exc: Exception) -> tuple[str, list[str]]:
    """The job's message for a refusal, and each problem on its own when there are several."""
    if not isinstance(exc, ValidationError):
        return str(exc) or "没有权限。", []
    problems = list(exc.messages)
    if len(problems) <= 1:
        return "；".join(problems), []
    return f"共 {len(problems)} 处问题，未保存任何内容：{problems[0]}……", problems


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
                message, job.details = _refusal(exc)
                job.status, job.message = JobStatus.FAILED, message[:500]
            else:
                if filename:
                    out.seek(0)
                    job.file.save(filename, File(out), save=False)
                    job.filename = filename
                job.status, job.message, job.progress = JobStatus.DONE, message[:500], 100
        job.finished_at = clock.now()
        job.save()
    caches["progress"].delete(_progress_key(job_id))
    _discard_inputs(job)
    return job.status


def _discard_inputs(job: Job) -> None:
    """Delete the uploads a finished job worked on: what it kept of them is stored by its service (the
    imported Excel, the merged PDF and the names of its parts)."""
    for item in job.params.get("inputs", []):
        with suppress(OSError):
            default_storage.delete(item["path"])


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
    return active_users_with("audit.view")


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

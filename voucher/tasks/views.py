"""Pages: the Bureau's delivery records, each user's notification preferences, job progress and files,
the backups page; the pages of other apps start their jobs through :mod:`voucher.tasks.services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from voucher.core.audit_selectors import audit_filters
from voucher.core.htmx import is_htmx, render_page_or_partial
from voucher.core.notifications import preferences_save
from voucher.payouts import permissions as payout_permissions
from voucher.payouts.models import PayoutBatch
from voucher.tasks import permissions, selectors, services
from voucher.tasks.choices import Channel, DeliveryStatus, JobKind, JobStatus
from voucher.tasks.models import Job

PAGE_SIZE = 50


@login_required
def delivery_list(request: HttpRequest) -> HttpResponse:
    """通知投递记录: every e-mail and SMS with its state, attempts and last error (the Bureau)."""
    permissions.can_view_deliveries(request.user).enforce()
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    rows = selectors.deliveries(request.user, status=status, channel=channel)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/deliveries.html",
        {
            "page": page,
            "status": status,
            "channel": channel,
            "statuses": DeliveryStatus.choices,
            "channels": Channel.choices,
            "counts": selectors.delivery_counts(request.user),
        },
    )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """通知设置: which kinds reach the user by e-mail and SMS (deadlines and decisions always do)."""
    permissions.can_set_preferences(request.user).enforce()
    if request.method == "POST":
        receive = set()
        for value in request.POST.getlist("receive"):
            kind, _, channel = value.rpartition("|")
            receive.add((kind, channel))
        changed = preferences_save(actor=request.user, receive=receive, channels=selectors.active_channels())
        messages.success(request, f"已保存通知设置（更改 {changed} 项）。")
        return redirect("tasks:preferences")
    return render(request, "tasks/preferences.html", {"groups": selectors.preference_table(request.user)})


def _job(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job, pk=pk)
    permissions.can_view_job(request.user, job).enforce()
    return job


def job_state(job: Job) -> dict[str, Any]:
    """What the progress page and the API show of a job."""
    done = job.status == JobStatus.DONE
    progress = services.job_progress(job)
    running = job.status == JobStatus.PENDING and progress > 0
    return {
        "id": job.pk,
        "title": job.title,
        "status": job.status,
        "status_label": "进行中" if running else job.get_status_display(),
        "progress": progress,
        "message": job.message,
        "download_url": reverse("tasks:job_file", args=[job.pk]) if done and job.file else "",
        "result_url": services.job_result_url(job) if job.status != JobStatus.PENDING else "",
        "result_api_url": services.job_result_api_url(job) if done else "",
        "details": job.details,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """后台任务: the job's progress; htmx polls this view, which then answers only the progress part, every
    second until the job is done (download offered) or failed (its reason shown)."""
    job = _job(request, pk)
    context = {"job": job, "state": job_state(job), "partial": is_htmx(request)}
    return render_page_or_partial(request, "tasks/job.html", "tasks/_job_status.html", context)


@login_required
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404("文件尚未生成。")
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def payout_export_start(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """Queue the batch's payment file and show its progress (the request answers at once)."""
    # Refused before the lookup, so nobody but the Bureau can probe which batch numbers exist.
    payout_permissions.can_manage_payouts(request.user).enforce()
    batch = get_object_or_404(PayoutBatch, pk=batch_pk)
    job = services.payout_export_job_start(actor=request.user, batch=batch)
    return redirect("tasks:job_detail", pk=job.pk)


@login_required
@require_POST
def audit_export_start(request: HttpRequest) -> HttpResponse:
    """Queue an Excel export of the audit log filtered as the list page is."""
    try:
        filters = audit_filters(request.POST.dict())
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("core:audit_list")
    job = services.audit_export_job_start(actor=request.user, filters=filters)
    return redirect("tasks:job_detail", pk=job.pk)


@login_required
def backups(request: HttpRequest) -> HttpResponse:
    """备份: the Bureau starts a backup of the database and the uploaded files and downloads it when ready."""
    permissions.can_manage_backups(request.user).enforce()
    if request.method == "POST":
        job = services.backup_job_start(actor=request.user)
        return redirect("tasks:job_detail", pk=job.pk)
    rows = Job.objects.filter(owner_id=request.user.pk, kind=JobKind.BACKUP).order_by("-created_at", "-id")[
        :20
    ]
    return render(request, "tasks/backups.html", {"jobs": rows})

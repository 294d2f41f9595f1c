"""API (/api/v1/tasks): the Bureau's delivery records, background jobs (start, progress, file).

Every ``POST /jobs/…`` answers 202 with the queued job at once; ``GET /jobs/{id}`` polls it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from voucher.applications.models import Application
from voucher.applications.permissions import can_view_application, is_provider, is_reviewer_or_admin
from voucher.claims.models import Claim
from voucher.claims.permissions import can_view_claim
from voucher.claims.selectors import claim_for_order
from voucher.core.api_schema import PageNumber
from voucher.core.background import JobOut
from voucher.dashboards.exports import export_request
from voucher.dashboards.permissions import can_view_dashboard
from voucher.payouts.models import PayoutBatch
from voucher.tasks import permissions, selectors, services
from voucher.tasks.models import Delivery, Job
from voucher.tasks.views import job_state

router = Router(tags=["tasks"])
MAX_PAGE_SIZE = 200


class DeliveryOut(Schema):
    id: int
    notification_id: int
    kind: str
    title: str
    recipient: str
    channel: str
    address: str
    status: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    sent_at: dt.datetime | None


class DeliveryPageOut(Schema):
    count: int
    counts: dict[str, int]
    items: list[DeliveryOut]


class DashboardExportIn(Schema):
    table: str
    format: str = "xlsx"
    year: int | None = None
    field: str | None = None
    direction: str | None = None
    period: str | None = None
    sort: str | None = None


def _delivery(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "notification_id": d.notification_id,
        "kind": d.notification.kind,
        "title": d.notification.title,
        "recipient": d.notification.recipient.get_username(),
        "channel": d.channel,
        "address": d.address,
        "status": d.status,
        "attempts": d.attempts,
        "last_error": d.last_error,
        "created_at": d.created_at,
        "next_attempt_at": d.next_attempt_at,
        "sent_at": d.sent_at,
    }


@router.get("/deliveries", response=DeliveryPageOut, summary="通知投递记录（市经信局）")
def delivery_list(
    request: HttpRequest, status: str = "", channel: str = "", page: PageNumber = 1, limit: int = 50
) -> dict[str, Any]:
    permissions.can_view_deliveries(request.user).enforce()
    rows = selectors.deliveries(request.user, status=status, channel=channel)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = (page - 1) * limit
    return {
        "count": rows.count(),
        "counts": selectors.delivery_counts(request.user),
        "items": [_delivery(d) for d in rows[offset : offset + limit]],
    }


@router.get("/jobs/{int:job_id}", response=JobOut, summary="后台任务进度", url_name="job")
def job_detail(request: HttpRequest, job_id: int) -> dict[str, Any]:
    job = get_object_or_404(Job, pk=job_id)
    permissions.can_view_job(request.user, job).enforce()
    return job_state(job)


@router.post(
    "/jobs/payout-export/{int:batch_id}", response={202: JobOut}, summary="后台导出支付文件（返回任务）"
)
def payout_export(request: HttpRequest, batch_id: int) -> Status:
    batch = get_object_or_404(PayoutBatch, pk=batch_id)
    job = services.payout_export_job_start(actor=request.user, batch=batch)
    return Status(202, job_state(job))


def _claim(request: HttpRequest, number: str) -> Claim:
    """The caller's claim for order ``number``, or 404 (as the claims API answers)."""
    claim = claim_for_order(request.user, number)
    if claim is None or not can_view_claim(request.user, claim):
        raise Http404
    return claim


def _application(request: HttpRequest, pk: int) -> Application:
    """The application, answered as the applications API does: 403 for a role that never works with
    applications, 404 for one the caller may not see."""
    if not (is_provider(request.user) or is_reviewer_or_admin(request.user)):
        raise PermissionDenied("此功能仅限服务商、评审机构和市经信局使用。")
    application = get_object_or_404(Application, pk=pk)
    if not can_view_application(request.user, application):
        raise Http404
    return application


@router.post("/jobs/dashboard-export", response={202: JobOut}, summary="后台导出一张看板表格（Excel 或 CSV）")
def dashboard_export(request: HttpRequest, payload: DashboardExportIn) -> Status:
    can_view_dashboard(request.user).enforce()
    wanted = export_request(payload.dict())
    return Status(202, job_state(services.dashboard_export_job_start(actor=request.user, request=wanted)))


@router.post(
    "/jobs/claim-prechecks/{number}", response={202: JobOut}, summary="后台运行兑券申请自动预检（R8）"
)
def claim_prechecks(request: HttpRequest, number: str) -> Status:
    job = services.claim_prechecks_job_start(actor=request.user, claim=_claim(request, number))
    return Status(202, job_state(job))


@router.post(
    "/jobs/claim-merge/{number}",
    response={202: JobOut},
    summary="后台合并多张图片或 PDF 为一个 PDF 并放入材料",
)
def claim_merge(
    request: HttpRequest,
    number: str,
    kind: Form[str],
    files: File[list[UploadedFile]],
    order: Form[str] = "",
    name: Form[str] = "",
) -> Status:
    job = services.claim_merge_job_start(
        actor=request.user,
        claim=_claim(request, number),
        kind=kind,
        files=list(files),
        order=order,
        name=name,
    )
    return Status(202, job_state(job))


@router.post(
    "/jobs/application-import/{int:pk}",
    response={202: JobOut},
    summary="上传填好的Excel，后台填充申请表（逐单元格报错，全部或全不）",
)
def application_import(request: HttpRequest, pk: int, file: File[UploadedFile]) -> Status:
    application = _application(request, pk)
    job = services.application_import_job_start(actor=request.user, application=application, file=file)
    return Status(202, job_state(job))


@router.post("/jobs/backup", response={202: JobOut}, summary="后台备份数据库和上传文件（市经信局）")
def backup(request: HttpRequest) -> Status:
    return Status(202, job_state(services.backup_job_start(actor=request.user)))

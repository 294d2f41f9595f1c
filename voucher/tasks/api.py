"""API (/api/v1/tasks): the Bureau's delivery records, background jobs (start, progress, file)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from voucher.core.api_schema import PageNumber
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


class JobOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    progress: int
    message: str
    download_url: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


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
def payout_export(request: HttpRequest, batch_id: int) -> tuple[int, dict[str, Any]]:
    batch = get_object_or_404(PayoutBatch, pk=batch_id)
    job = services.payout_export_job_start(actor=request.user, batch=batch)
    return 202, job_state(job)

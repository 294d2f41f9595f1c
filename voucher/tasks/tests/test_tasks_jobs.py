"""Long work as jobs (issue 20): a row first, run after commit by a worker, progress polled, file offered."""

from __future__ import annotations

import datetime as dt
import io
import time

import openpyxl
import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from config.celery import app as celery_app
from voucher.core import clock
from voucher.core.models import AuditEvent
from voucher.enforcement.invariants import ledger_mismatches
from voucher.payouts.choices import BatchStatus
from voucher.payouts.models import PayoutBatch
from voucher.tasks import services
from voucher.tasks.choices import JobKind, JobStatus
from voucher.tasks.models import Job
from voucher.testing.audit import record_events
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def queued(monkeypatch):
    """Publishing goes to the in-memory broker instead of running at once: nothing runs in the request."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)


def test_tasks_job_rolled_back_never_runs(
    approved, admin_user, after_notice, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.payout_export_job_start(actor=admin_user, batch=approved)
        raise RuntimeError("request failed")
    assert callbacks == []
    assert not Job.objects.exists()
    approved.refresh_from_db()
    assert approved.status == BatchStatus.APPROVED and approved.export_count == 0


def test_tasks_payment_file_request_answers_at_once_and_the_job_runs_after(
    approved, admin_user, after_notice, queued, django_capture_on_commit_callbacks
):
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = time.perf_counter()
        response = client.post(reverse("tasks:payout_export_start", args=[approved.pk]))
        elapsed = time.perf_counter() - started
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("tasks:job_detail", args=[job.pk])
    assert elapsed < 0.3, elapsed
    assert (job.kind, job.status, job.owner) == (JobKind.PAYOUT_EXPORT, JobStatus.PENDING, admin_user)
    assert PayoutBatch.objects.get(pk=approved.pk).export_count == 0  # nothing ran in the request
    assert len(callbacks) == 1
    page = client.get(reverse("tasks:job_detail", args=[job.pk])).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page

    assert services.job_run(job.pk) == JobStatus.DONE
    assert services.job_run(job.pk) == JobStatus.DONE  # a second delivery of the message changes nothing
    job.refresh_from_db()
    batch = PayoutBatch.objects.get(pk=approved.pk)
    assert (batch.status, batch.export_count) == (BatchStatus.EXPORTED, 1)
    assert AuditEvent.objects.filter(action="payout_batch.exported").count() == 1
    assert (job.progress, job.filename) == (100, f"支付文件-{batch.number}.xlsx")
    assert job.message.startswith(f"共 {batch.item_count} 笔")
    assert ledger_mismatches() == []

    state = client.get(f"/api/v1/tasks/jobs/{job.pk}").json()
    assert state["status"] == "done" and state["progress"] == 100
    download = client.get(state["download_url"])
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 2 + batch.item_count + 1  # title, header, items, totals


def test_tasks_job_progress_is_live_while_the_worker_runs(approved, admin_user, after_notice, queued):
    job = services.payout_export_job_start(actor=admin_user, batch=approved)
    services._reporter(job)(450, 1000)
    client = login(admin_user)
    state = client.get(f"/api/v1/tasks/jobs/{job.pk}").json()
    assert (state["status"], state["status_label"], state["progress"], state["download_url"]) == (
        "pending",
        "进行中",
        45,
        "",
    )
    assert client.get(reverse("tasks:job_file", args=[job.pk])).status_code == 404


def test_tasks_job_refused_by_the_service_fails_with_the_reason(
    claims, admin_user, programme_2025, django_capture_on_commit_callbacks
):
    from voucher.testing.payouts import PUBLISH_DAY, batch_approved

    batch = batch_approved(admin_user, programme_2025, on=PUBLISH_DAY)  # no payee accounts
    with (
        clock.frozen_at(batch.notice_ends_on + dt.timedelta(days=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = services.payout_export_job_start(actor=admin_user, batch=batch)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "尚未登记收款账户" in job.message
    batch.refresh_from_db()
    assert batch.export_count == 0


def test_tasks_jobs_are_their_owners(approved, admin_user, after_notice, queued):
    job = services.payout_export_job_start(actor=admin_user, batch=approved)
    other_admin = UserFactory(role="admin")
    client = login(other_admin)
    assert client.get(reverse("tasks:job_detail", args=[job.pk])).status_code == 403
    assert client.get(f"/api/v1/tasks/jobs/{job.pk}").status_code == 403
    provider = login(UserFactory(provider=True))
    assert provider.post(reverse("tasks:payout_export_start", args=[approved.pk])).status_code == 403
    assert provider.post(f"/api/v1/tasks/jobs/payout-export/{approved.pk}").status_code == 403
    assert Job.objects.count() == 1


def test_tasks_audit_export_runs_as_a_job(admin_user, django_capture_on_commit_callbacks):
    record_events(3, action="user.tested")
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tasks:audit_export_start"), {"action": "user.tested"})
    job = Job.objects.get()
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.message == "共 3 条"
    content = b"".join(client.get(reverse("tasks:job_file", args=[job.pk])).streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 4
    assert AuditEvent.objects.filter(action="audit_log.exported").count() == 1
    assert login(UserFactory(provider=True)).post(reverse("tasks:audit_export_start")).status_code == 403

"""Issue 19: a job's progress page polled by htmx — the view answers only the progress part to htmx and the
whole page otherwise; polling stops when the job is done (download offered) or failed (reason shown)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from voucher.core import clock
from voucher.tasks import services
from voucher.tasks.choices import JobKind, JobStatus
from voucher.tasks.models import Job
from voucher.testing.audit import record_events

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def owner_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def _job(owner, **fields) -> Job:
    return Job.objects.create(
        kind=JobKind.AUDIT_EXPORT, owner=owner, title="导出审计日志", created_at=clock.now(), **fields
    )


def _get(client, job, headers=None):
    return client.get(reverse("tasks:job_detail", args=[job.pk]), headers=headers or {})


def test_design_running_job_partial_for_htmx_and_whole_page_without(owner_client, admin_user):
    job = _job(admin_user)
    services._reporter(job)(30, 100)
    url = reverse("tasks:job_detail", args=[job.pk])

    partial = _get(owner_client, job, HTMX)
    html = partial.content.decode()
    assert partial.status_code == 200 and "HX-Request" in partial["Vary"]
    assert "<html" not in html and "<h1>" not in html
    assert html.lstrip().startswith('<div id="job-status"')
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html and 'hx-swap="outerHTML"' in html
    assert 'role="progressbar"' in html and 'aria-valuenow="30"' in html and "width:30%" in html
    assert "进行中" in html and "下载文件" not in html
    assert f'href="{url}">刷新进度' in html  # without script the page still moves on

    page = _get(owner_client, job)
    full = page.content.decode()
    assert page.status_code == 200 and "HX-Request" in page["Vary"]
    assert "<html" in full and "<h1>导出审计日志</h1>" in full
    assert "vendor/htmx.org/htmx.min.js" in full
    assert 'aria-valuenow="30"' in full and 'hx-trigger="every 1s"' in full
    assert 'id="job-announce" role="status"' in full


def test_design_history_restore_gets_the_whole_page(owner_client, admin_user):
    job = _job(admin_user)
    html = _get(owner_client, job, {**HTMX, "HX-History-Restore-Request": "true"}).content.decode()
    assert "<html" in html


def test_design_finished_job_stops_polling_and_offers_the_download(
    owner_client, admin_user, django_capture_on_commit_callbacks
):
    record_events(2, action="user.tested")
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("tasks:audit_export_start"), {"action": "user.tested"})
    job = Job.objects.get()
    assert job.status == JobStatus.DONE

    html = _get(owner_client, job, HTMX).content.decode()
    assert "hx-trigger" not in html and "hx-get" not in html
    assert 'aria-valuenow="100"' in html and "bg-success" in html
    assert f'href="{reverse("tasks:job_file", args=[job.pk])}">下载文件</a>' in html
    assert 'id="job-announce" hx-swap-oob="innerHTML">任务已完成，可以下载文件。' in html
    full = _get(owner_client, job).content.decode()
    assert "hx-swap-oob" not in full and "任务已完成，可以下载文件。" in full


def test_design_failed_job_stops_polling_and_shows_the_reason(owner_client, admin_user):
    job = _job(
        admin_user, status=JobStatus.FAILED, progress=40, message="尚未登记收款账户：北京测试单位1有限公司"
    )
    html = _get(owner_client, job, HTMX).content.decode()
    assert "hx-trigger" not in html
    assert 'role="alert"' in html and "任务失败：</strong>尚未登记收款账户：北京测试单位1有限公司" in html
    assert "bg-danger" in html and "下载文件" not in html


def test_design_progress_part_is_refused_to_others(admin_user):
    from voucher.testing.factories import UserFactory

    job = _job(admin_user)
    other = Client()
    other.force_login(UserFactory(role="admin"))
    assert _get(other, job, HTMX).status_code == 403

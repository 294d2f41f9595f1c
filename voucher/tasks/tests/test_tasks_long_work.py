"""Long work as jobs (issue 20): dashboard exports, claim pre-checks, the Excel import of an application,
the merge of claim materials and backups. Each request only writes the job's row (and saves the upload);
the worker runs it once, all or nothing, and the page (or the API) shows its progress and result."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tarfile
import time
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from config.celery import app as celery_app
from voucher.applications import services as application_services
from voucher.applications.choices import MaterialKind as ApplicationMaterialKind
from voucher.claims.choices import MaterialKind
from voucher.claims.models import ClaimMaterial, PreCheck
from voucher.core.models import AuditEvent
from voucher.dashboards.exports import ExportRequest
from voucher.tasks import services
from voucher.tasks.choices import JobKind, JobStatus
from voucher.tasks.models import Job
from voucher.testing.applications import as_upload, filled_workbook
from voucher.testing.claims import image_file
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def content(client: Client, job: Job) -> bytes:
    response = client.get(reverse("tasks:job_file", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def queued(monkeypatch: Any) -> None:
    """Publishing goes to the in-memory broker instead of running at once: nothing runs in the request."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)


@pytest.fixture
def draft(provider_user: Any, programme_2025: Any) -> Any:
    return application_services.application_create(actor=provider_user, programme=programme_2025)


def run_twice(job: Job) -> Job:
    """Run the job, then deliver its message again: the second run must change nothing."""
    assert services.job_run(job.pk) in (JobStatus.DONE, JobStatus.FAILED)
    first = Job.objects.get(pk=job.pk)
    assert services.job_run(job.pk) == first.status
    again = Job.objects.get(pk=job.pk)
    assert (again.finished_at, again.message, again.file.name) == (
        first.finished_at,
        first.message,
        first.file.name,
    )
    return again


# --- services ------------------------------------------------------------------------------------------


def test_tasks_dashboard_export_job_as_excel_and_csv(admin_user: Any) -> None:
    excel = services.dashboard_export_job_start(
        actor=admin_user, request=ExportRequest(table="claims_status", query={"year": "2025"})
    )
    spreadsheet = services.dashboard_export_job_start(
        actor=admin_user, request=ExportRequest(table="claims_status", query={"year": "2025"}, fmt="csv")
    )
    assert Job.objects.filter(status=JobStatus.PENDING).count() == 2
    excel, spreadsheet = run_twice(excel), run_twice(spreadsheet)
    client = login(admin_user)
    sheet = openpyxl.load_workbook(io.BytesIO(content(client, excel))).active
    assert sheet["A1"].value == "兑券申请（按状态）" and excel.filename == "dashboard-2025-claims_status.xlsx"
    data = content(client, spreadsheet)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "状态" and len(rows) == sheet.max_row - 2  # no title lines in the CSV
    assert AuditEvent.objects.filter(action="dashboard.exported").count() == 2  # once per job, not per run


def test_tasks_claim_prechecks_job_stores_the_results_once(filled: Any, provider: Any) -> None:
    PreCheck.objects.filter(claim=filled).delete()
    job = services.claim_prechecks_job_start(actor=provider, claim=filled)
    assert services.claim_prechecks_job_start(actor=provider, claim=filled) == job  # one at a time
    assert not PreCheck.objects.filter(claim=filled).exists()
    job = run_twice(job)
    stored = PreCheck.objects.filter(claim=filled)
    assert job.status == JobStatus.DONE and job.message.startswith(f"共 {stored.count()} 项：通过")
    assert stored.filter(code="contract_order_number", outcome="pass").exists()
    assert AuditEvent.objects.filter(action="claim.prechecked").count() == 1
    assert job.kind == JobKind.CLAIM_PRECHECKS and not job.file
    assert services.job_result_url(job) == reverse("claims:checks", args=[filled.order.number])


def test_tasks_application_import_job_fills_the_form(provider_user: Any, draft: Any) -> None:
    upload = as_upload(filled_workbook(draft, provider_user.organisation))
    job = services.application_import_job_start(actor=provider_user, application=draft, file=upload)
    draft.refresh_from_db()
    assert draft.product_name == ""  # saved first, parsed by the worker
    assert job.params["inputs"][0]["name"] == "申请表.xlsx"
    assert default_storage.exists(job.params["inputs"][0]["path"])
    job = run_twice(job)
    draft.refresh_from_db()
    assert job.status == JobStatus.DONE and draft.product_name == "外观设计服务"
    assert draft.materials.filter(kind=ApplicationMaterialKind.FORM_EXCEL).count() == 1
    assert AuditEvent.objects.filter(action="application.excel_imported").count() == 1


def test_tasks_application_import_job_reports_each_cell_and_saves_nothing(
    provider_user: Any, draft: Any
) -> None:
    broken = filled_workbook(
        draft, provider_user.organisation, **{"服务产品名称": None, "联系人手机号码": "123"}
    )
    job = services.application_import_job_start(
        actor=provider_user, application=draft, file=as_upload(broken)
    )
    job = run_twice(job)
    assert job.status == JobStatus.FAILED
    assert len(job.details) >= 2 and job.message.startswith(f"共 {len(job.details)} 处问题，未保存任何内容")
    assert any("B6" in problem for problem in job.details)  # the empty product name, at its cell
    draft.refresh_from_db()
    assert draft.product_name == "" and not draft.materials.exists()
    assert not AuditEvent.objects.filter(action="application.excel_imported").exists()


def test_tasks_application_import_refuses_a_wrong_file_in_the_request(provider_user: Any, draft: Any) -> None:
    from django.core.exceptions import ValidationError

    from voucher.testing.applications import pdf_file

    with pytest.raises(ValidationError) as refused:
        services.application_import_job_start(actor=provider_user, application=draft, file=pdf_file("a.xlsx"))
    assert "excel" in refused.value.message_dict
    assert not Job.objects.exists()


def test_tasks_claim_merge_job_merges_once(claim: Any, provider: Any) -> None:
    parts = [
        image_file(f"{n}.png", colour) for n, colour in enumerate([(255, 0, 0), (0, 255, 0), (0, 0, 255)])
    ]
    job = services.claim_merge_job_start(
        actor=provider, claim=claim, kind=MaterialKind.BANK_RECEIPT, files=parts, order="3,1,2", name="回单"
    )
    assert not ClaimMaterial.objects.filter(claim=claim).exists()
    job = run_twice(job)
    material = ClaimMaterial.objects.get(claim=claim)
    assert job.status == JobStatus.DONE and material.page_count == 3
    assert material.merged_from == ["2.png", "0.png", "1.png"]
    assert not any(default_storage.exists(item["path"]) for item in job.params["inputs"])  # consumed
    assert len(PdfReader(io.BytesIO(content(login(provider), job))).pages) == 3
    assert job.filename == "回单.pdf" and "（3 页）" in job.message


def test_tasks_claim_merge_refused_in_the_request_or_by_the_worker(claim: Any, provider: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.claim_merge_job_start(
            actor=provider, claim=claim, kind=MaterialKind.BANK_RECEIPT, files=[image_file("1.png")]
        )
    text = io.BytesIO(b"not a picture")
    text.name, text.size = "说明.txt", 13  # type: ignore[attr-defined]
    job = services.claim_merge_job_start(
        actor=provider, claim=claim, kind=MaterialKind.BANK_RECEIPT, files=[image_file("1.png"), text]
    )
    job = run_twice(job)
    assert job.status == JobStatus.FAILED and "说明.txt" in job.message
    assert not ClaimMaterial.objects.filter(claim=claim).exists()


def test_tasks_backup_job_offers_the_backup(admin_user: Any) -> None:
    job = run_twice(services.backup_job_start(actor=admin_user))
    assert job.status == JobStatus.DONE, job.message
    with tarfile.open(fileobj=io.BytesIO(content(login(admin_user), job))) as archive:
        names = archive.getnames()
        [manifest] = [n for n in names if n.endswith("/manifest.json")]
        facts = json.load(archive.extractfile(manifest))  # type: ignore[arg-type]
    assert set(facts["parts"]) | {"manifest.json"} == {n.split("/", 1)[1] for n in names if "/" in n}
    assert job.filename.startswith("voucher-backup-") and job.filename.endswith(".tar")
    assert AuditEvent.objects.filter(action="backup.created").count() == 1


# --- pages ---------------------------------------------------------------------------------------------


def _start_dashboard(client: Client, **_: Any) -> Any:
    return client.post(reverse("dashboards:export"), {"table": "vouchers", "year": "2025", "format": "csv"})


def _start_prechecks(client: Client, claim: Any, **_: Any) -> Any:
    return client.post(reverse("claims:checks", args=[claim.order.number]))


def _start_import(client: Client, draft: Any, provider_user: Any, **_: Any) -> Any:
    upload = as_upload(filled_workbook(draft, provider_user.organisation))
    return client.post(reverse("applications:excel_import", args=[draft.pk]), {"excel": upload})


def _start_merge(client: Client, claim: Any, **_: Any) -> Any:
    return client.post(
        reverse("claims:materials", args=[claim.order.number]),
        {
            "tool": "merge",
            "kind": MaterialKind.BANK_RECEIPT,
            "file1": image_file("1.png", (255, 0, 0)),
            "file2": image_file("2.png", (0, 255, 0)),
        },
    )


def _start_backup(client: Client, **_: Any) -> Any:
    return client.post(reverse("tasks:backups"))


STARTS: dict[str, tuple[Callable[..., Any], str]] = {
    JobKind.DASHBOARD_EXPORT: (_start_dashboard, "admin_user"),
    JobKind.CLAIM_PRECHECKS: (_start_prechecks, "provider"),
    JobKind.APPLICATION_IMPORT: (_start_import, "provider_user"),
    JobKind.CLAIM_MERGE: (_start_merge, "provider"),
    JobKind.BACKUP: (_start_backup, "admin_user"),
}


@pytest.fixture
def world(request: Any, claim: Any, provider: Any, draft: Any, provider_user: Any, admin_user: Any) -> dict:
    return {"claim": claim, "draft": draft, "provider_user": provider_user}


class _RolledBack(Exception):
    """Raised to roll back a warming request's savepoint."""


@pytest.mark.parametrize("kind", list(STARTS))
def test_tasks_each_long_work_request_answers_at_once(
    request: Any, kind: str, world: dict, queued: None, django_capture_on_commit_callbacks: Any
) -> None:
    start, role = STARTS[kind]
    user = request.getfixturevalue(role)
    client = login(user)
    # The same request once in a savepoint that is rolled back, so the timed one is not the process's first
    # (imports, templates, URL resolution) and measures the request alone.
    with contextlib.suppress(_RolledBack), transaction.atomic():
        start(client, **world)
        raise _RolledBack
    assert not Job.objects.exists()
    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = time.perf_counter()
        response = start(client, **world)
        elapsed = time.perf_counter() - started
    job = Job.objects.get()
    assert (job.kind, job.status, job.owner) == (kind, JobStatus.PENDING, user)
    assert response.status_code == 302 and elapsed < 0.3, (response.status_code, elapsed)
    assert len(callbacks) == 1  # published after commit, once
    assert AuditEvent.objects.count() == events  # nothing was done yet
    # The worker runs it; the owner polls it; others get what they get for every job today.
    callbacks[0]()
    assert services.job_run(job.pk) == JobStatus.DONE, Job.objects.get(pk=job.pk).message
    state = client.get(f"/api/v1/tasks/jobs/{job.pk}").json()
    assert (state["status"], state["progress"]) == ("done", 100)
    assert AuditEvent.objects.count() > events
    stranger = login(UserFactory(role="admin"))
    assert stranger.get(reverse("tasks:job_detail", args=[job.pk])).status_code == 403
    assert stranger.get(f"/api/v1/tasks/jobs/{job.pk}").status_code == 403


def test_tasks_claim_checks_page_shows_progress_then_the_results(
    filled: Any, provider: Any, queued: None, django_capture_on_commit_callbacks: Any
) -> None:
    PreCheck.objects.filter(claim=filled).delete()
    client = login(provider)
    checks = reverse("claims:checks", args=[filled.order.number])
    page = client.get(checks).content.decode()  # no results yet: the pre-checks are queued
    job = Job.objects.get(kind=JobKind.CLAIM_PRECHECKS)
    assert f'hx-get="{reverse("tasks:job_detail", args=[job.pk])}"' in page and "htmx.min.js" in page
    assert "合同含系统订单编号" not in page
    assert client.get(checks).status_code == 200 and Job.objects.count() == 1  # not queued twice
    services.job_run(job.pk)
    page = client.get(checks).content.decode()
    assert "合同含系统订单编号" in page and "hx-get" not in page
    # The progress part the page polls ends with the way back to the results.
    part = client.get(reverse("tasks:job_detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert "hx-get" not in part.content.decode() and f'href="{checks}"' in part.content.decode()


def test_tasks_import_errors_are_listed_on_the_job_page(
    provider_user: Any, draft: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(provider_user)
    broken = filled_workbook(
        draft, provider_user.organisation, **{"服务产品名称": None, "联系人手机号码": "123"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:excel_import", args=[draft.pk]), {"excel": as_upload(broken)}
        )
    job = Job.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert job.status == JobStatus.FAILED
    for problem in job.details:
        assert problem in page
    assert reverse("applications:detail", args=[draft.pk]) in page  # back to the application


def test_tasks_dashboard_export_page_asks_the_format(admin_user: Any) -> None:
    client = login(admin_user)
    page = client.get(reverse("dashboards:export"), {"table": "providers", "year": "2025"})
    text = page.content.decode()
    assert page.status_code == 200 and "导出：服务商排名" in text and 'value="csv"' in text
    assert not Job.objects.exists()  # asking does not start anything
    assert client.get(reverse("dashboards:export"), {"table": "salaries"}).status_code == 404


def test_tasks_backups_page_lists_the_bureaus_backups(admin_user: Any) -> None:
    client = login(admin_user)
    assert reverse("tasks:backups") in client.get(reverse("core:workbench")).content.decode()  # in the menu
    job = run_twice(services.backup_job_start(actor=admin_user))
    page = client.get(reverse("tasks:backups")).content.decode()
    assert "开始备份" in page and reverse("tasks:job_detail", args=[job.pk]) in page and job.message in page


@pytest.mark.parametrize("role", ["enterprise_user", "provider_user", "reviewer_user"])
def test_tasks_only_the_bureau_starts_backups_and_dashboard_exports(request: Any, role: str) -> None:
    client = login(request.getfixturevalue(role))
    assert reverse("tasks:backups") not in client.get(reverse("core:workbench")).content.decode()
    assert client.get(reverse("tasks:backups")).status_code == 403
    assert client.post(reverse("tasks:backups")).status_code == 403
    assert client.post(reverse("dashboards:export"), {"table": "vouchers"}).status_code == 403
    assert client.post("/api/v1/tasks/jobs/backup").status_code == 403
    response = client.post("/api/v1/tasks/jobs/dashboard-export", {"table": "vouchers"}, "application/json")
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_tasks_claim_jobs_are_refused_to_other_providers(claim: Any, draft: Any) -> None:
    stranger = login(UserFactory(provider=True))
    number = claim.order.number
    assert stranger.post(reverse("claims:checks", args=[number])).status_code == 404
    assert stranger.post(f"/api/v1/tasks/jobs/claim-prechecks/{number}").status_code == 404
    upload = {"file": as_upload(filled_workbook(draft, draft.organisation))}
    assert stranger.post(f"/api/v1/tasks/jobs/application-import/{draft.pk}", upload).status_code == 404
    assert not Job.objects.exists()


# --- API -----------------------------------------------------------------------------------------------


def test_tasks_api_starts_and_polls_the_new_jobs(
    claim: Any, provider: Any, draft: Any, provider_user: Any, admin_user: Any, queued: None
) -> None:
    bureau, claimant, applicant = login(admin_user), login(provider), login(provider_user)
    number = claim.order.number
    started = [
        bureau.post(
            "/api/v1/tasks/jobs/dashboard-export",
            {"table": "claims_age", "format": "csv"},
            "application/json",
        ),
        bureau.post("/api/v1/tasks/jobs/backup"),
        claimant.post(f"/api/v1/tasks/jobs/claim-prechecks/{number}"),
        claimant.post(
            f"/api/v1/tasks/jobs/claim-merge/{number}",
            {"kind": MaterialKind.BANK_RECEIPT, "files": [image_file("1.png"), image_file("2.png")]},
        ),
        applicant.post(
            f"/api/v1/tasks/jobs/application-import/{draft.pk}",
            {"file": as_upload(filled_workbook(draft, provider_user.organisation))},
        ),
    ]
    assert [r.status_code for r in started] == [202] * 5, [r.content for r in started]
    assert {r.json()["status"] for r in started} == {"pending"}
    for response, client in zip(started, [bureau, bureau, claimant, claimant, applicant], strict=True):
        job_id = response.json()["id"]
        services.job_run(job_id)
        state = client.get(f"/api/v1/tasks/jobs/{job_id}").json()
        assert state["status"] == "done", state
    checks = claimant.get(f"/api/v1/tasks/jobs/{started[2].json()['id']}").json()
    assert checks["result_url"] == reverse("claims:checks", args=[number]) and checks["download_url"] == ""
    bad = bureau.post("/api/v1/tasks/jobs/dashboard-export", {"table": "nope"}, "application/json")
    assert bad.status_code == 422
    schema = bureau.get("/api/v1/openapi.json").json()["paths"]
    for path in ("dashboard-export", "backup", "claim-prechecks/{number}", "application-import/{pk}"):
        assert "202" in schema[f"/api/v1/tasks/jobs/{path}"]["post"]["responses"]

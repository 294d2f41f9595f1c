"""Long work as jobs (issue 20), the rest: the older API operations that did the work in the request now
queue the page's job; the claim's confirmation step runs its pre-checks as a job; the credit list is read
and imported by jobs; and uploads saved for a start that rolled back do not stay in storage."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from config.celery import app as celery_app
from voucher.applications import services as application_services
from voucher.claims.choices import MaterialKind
from voucher.claims.models import ClaimMaterial, PreCheck
from voucher.claims.services import claim_run_prechecks
from voucher.core.models import AuditEvent
from voucher.demo.codes import make_uscc
from voucher.enterprises.models import CreditListEntry, CreditListImport
from voucher.tasks import services
from voucher.tasks.choices import JobKind, JobStatus
from voucher.tasks.models import Job
from voucher.testing.applications import as_upload, filled_workbook
from voucher.testing.claims import image_file
from voucher.testing.enterprises import CSV
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def queued(monkeypatch: Any) -> None:
    """Publishing goes to the in-memory broker instead of running at once: nothing runs in the request."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)


@pytest.fixture
def draft(provider_user: Any, programme_2025: Any) -> Any:
    return application_services.application_create(actor=provider_user, programme=programme_2025)


def stored_files(job: Job) -> list[str]:
    """What is in storage under the job's upload folder."""
    folder = f"jobs/{job.pk}/in"
    if not default_storage.exists(folder):
        return []
    return default_storage.listdir(folder)[1]


# --- the older API operations ----------------------------------------------------------------------------


def _dashboard(client: Client, **_: Any) -> Any:
    return client.get("/api/v1/dashboard/export", {"table": "claims_status", "year": 2025})


def _prechecks(client: Client, claim: Any, **_: Any) -> Any:
    return client.post(f"/api/v1/claims/{claim.order.number}/prechecks")


def _merge(client: Client, claim: Any, **_: Any) -> Any:
    return client.post(
        f"/api/v1/claims/{claim.order.number}/materials/merge",
        {"kind": MaterialKind.BANK_RECEIPT, "files": [image_file("1.png"), image_file("2.png", (0, 9, 0))]},
    )


def _excel(client: Client, draft: Any, provider_user: Any, **_: Any) -> Any:
    upload = as_upload(filled_workbook(draft, provider_user.organisation))
    return client.post(f"/api/v1/applications/{draft.pk}/excel", {"file": upload})


def _warm(client: Client, operation: str, claim: Any, draft: Any) -> None:
    """One refused or reading request on the same path first, so the timed one is not the process's first
    (imports, templates, URL resolution)."""
    if "credit-list" in operation:
        client.get("/api/v1/enterprises/credit-list/imports")
    elif "dashboard" in operation:
        client.get("/api/v1/dashboard/claims", {"year": 2025})
    elif "applications" in operation:
        client.post(f"/api/v1/applications/{draft.pk}/excel", {"file": SimpleUploadedFile("a.xlsx", b"x")})
    else:
        client.get(f"/api/v1/claims/{claim.order.number}")


def _credit_list(client: Client, **_: Any) -> Any:
    return client.post("/api/v1/enterprises/credit-list/imports", {"file": _credit_upload()})


OPERATIONS: dict[str, tuple[Callable[..., Any], str, str]] = {
    "GET /api/v1/dashboard/export": (_dashboard, "admin_user", JobKind.DASHBOARD_EXPORT),
    "POST /api/v1/claims/{number}/prechecks": (_prechecks, "provider", JobKind.CLAIM_PRECHECKS),
    "POST /api/v1/claims/{number}/materials/merge": (_merge, "provider", JobKind.CLAIM_MERGE),
    "POST /api/v1/applications/{pk}/excel": (_excel, "provider_user", JobKind.APPLICATION_IMPORT),
    "POST /api/v1/enterprises/credit-list/imports": (_credit_list, "admin_user", JobKind.CREDIT_LIST_IMPORT),
}


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_tasks_older_api_operations_answer_with_the_pages_job(
    request: Any,
    operation: str,
    claim: Any,
    draft: Any,
    provider_user: Any,
    programme_2025: Any,
    queued: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    call, role, kind = OPERATIONS[operation]
    user = request.getfixturevalue(role)
    client = login(user)
    _warm(client, operation, claim, draft)
    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = time.perf_counter()
        response = call(client, claim=claim, draft=draft, provider_user=provider_user)
        elapsed = time.perf_counter() - started
    assert response.status_code == 202 and elapsed < 0.3, (response.status_code, elapsed, response.content)
    job = Job.objects.get()
    answer = response.json()
    assert (job.kind, job.status, job.owner) == (kind, JobStatus.PENDING, user)
    assert (answer["id"], answer["status"], answer["progress"], answer["download_url"]) == (
        job.pk,
        "pending",
        0,
        "",
    )
    # Nothing was done yet; only the credit list's start is audited (who sent which file).
    audited_start = kind == JobKind.CREDIT_LIST_IMPORT
    assert len(callbacks) == 1 and AuditEvent.objects.count() == events + audited_start
    callbacks[0]()
    assert services.job_run(job.pk) == JobStatus.DONE, Job.objects.get(pk=job.pk).message
    state = client.get(f"/api/v1/tasks/jobs/{job.pk}").json()
    assert (state["status"], state["progress"]) == ("done", 100)
    assert AuditEvent.objects.count() > events
    assert login(UserFactory(role="admin")).get(f"/api/v1/tasks/jobs/{job.pk}").status_code == 403


def test_tasks_older_api_operations_refuse_as_the_pages_do(
    claim: Any, draft: Any, programme_2025: Any
) -> None:
    number = claim.order.number
    stranger = login(UserFactory(provider=True))
    assert stranger.post(f"/api/v1/claims/{number}/prechecks").status_code == 404
    assert _merge(stranger, claim).status_code == 404
    upload = {"file": as_upload(filled_workbook(draft, draft.organisation))}
    assert stranger.post(f"/api/v1/applications/{draft.pk}/excel", upload).status_code == 404
    assert _dashboard(stranger).status_code == 403
    assert not Job.objects.exists()


def test_tasks_older_api_operations_refuse_wrong_input_at_once(
    claim: Any, provider: Any, admin_user: Any, programme_2025: Any
) -> None:
    number = claim.order.number
    one = login(provider).post(
        f"/api/v1/claims/{number}/materials/merge",
        {"kind": MaterialKind.BANK_RECEIPT, "files": [image_file()]},
    )
    assert one.status_code == 422 and one.json()["code"] == "merge_too_few"
    table = login(admin_user).get("/api/v1/dashboard/export", {"table": "salaries"})
    assert table.status_code == 422
    assert not Job.objects.exists()


def test_tasks_the_schema_publishes_the_job_answers(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for operation in OPERATIONS:
        method, path = operation.split(" ")
        responses = paths[path][method.lower()]["responses"]
        assert "202" in responses and "200" not in responses and "201" not in responses, operation
        assert responses["202"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/JobOut"
        }


# --- the confirmation step -------------------------------------------------------------------------------


def test_tasks_confirmation_step_runs_the_prechecks_as_a_job(
    filled: Any, provider: Any, queued: None, django_capture_on_commit_callbacks: Any
) -> None:
    PreCheck.objects.filter(claim=filled).delete()
    client = login(provider)
    confirm = reverse("claims:confirm", args=[filled.order.number])
    client.get(reverse("claims:data", args=[filled.order.number]))  # not the process's first page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = time.perf_counter()
        page = client.get(confirm)
        elapsed = time.perf_counter() - started
    job = Job.objects.get(kind=JobKind.CLAIM_PRECHECKS)
    text = page.content.decode()
    assert page.status_code == 200 and elapsed < 0.3 and len(callbacks) == 1
    assert not PreCheck.objects.filter(claim=filled).exists()  # queued, not run in the request
    assert (
        f'hx-get="{reverse("tasks:job_detail", args=[job.pk])}"' in text and "合同含系统订单编号" not in text
    )
    assert client.get(confirm).status_code == 200 and Job.objects.count() == 1  # not queued twice
    assert services.job_run(job.pk) == JobStatus.DONE
    stored = list(PreCheck.objects.filter(claim=filled).values_list("code", "outcome", "message"))
    # What the job stored is what running the pre-checks in the request stored.
    claim_run_prechecks(actor=provider, claim=filled)
    assert list(PreCheck.objects.filter(claim=filled).values_list("code", "outcome", "message")) == stored
    part = client.get(reverse("tasks:job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content
    result = f"{confirm}?checked={job.pk}"
    assert f'href="{result}"' in part.decode() and "hx-get" not in part.decode()
    shown = client.get(result).content.decode()  # back to the page with the fresh results, nothing queued
    assert "合同含系统订单编号" in shown and "hx-get" not in shown
    assert Job.objects.count() == 1
    client.get(confirm)  # a later visit checks again
    assert Job.objects.filter(status=JobStatus.PENDING).count() == 1 and Job.objects.count() == 2


def test_tasks_confirmation_step_still_submits_in_one_transaction(
    filled: Any, provider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(provider)
    confirm = reverse("claims:confirm", args=[filled.order.number])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(confirm)
    filled.refresh_from_db()
    done = client.post(confirm, {"revision": filled.revision, "confirm": "on"})
    assert done.status_code == 302
    filled.refresh_from_db()
    assert filled.status == "submitted" and filled.prechecks.filter(code="contract_order_number").exists()
    assert client.get(f"{confirm}?checked=nonsense").status_code == 403  # submitted: the wizard is closed


# --- the credit list ---------------------------------------------------------------------------------------


def _credit_upload(name: str = "名单.csv", text: str = CSV) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_tasks_credit_list_is_read_by_a_job_with_each_wrong_row(
    admin_user: Any, queued: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(admin_user)
    page = reverse("enterprises:credit_list")
    assert client.get(page).status_code == 200  # not the process's first request (URLs, templates)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = time.perf_counter()
        response = client.post(page, {"action": "import", "file": _credit_upload()})
        elapsed = time.perf_counter() - started
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("tasks:job_detail", args=[job.pk])
    assert elapsed < 0.3 and len(callbacks) == 1 and job.kind == JobKind.CREDIT_LIST_IMPORT
    assert not CreditListImport.objects.exists()  # read by the worker
    assert AuditEvent.objects.filter(action="credit_list.import_queued").count() == 1
    reported: list[tuple[int, int]] = []
    reporter = services._reporter

    def spy(job: Job) -> Callable[[int, int], None]:
        report = reporter(job)

        def both(done: int, total: int) -> None:
            reported.append((done, total))
            report(done, total)

        return both

    services._reporter = spy  # type: ignore[assignment]
    try:
        assert services.job_run(job.pk) == JobStatus.DONE
    finally:
        services._reporter = reporter  # type: ignore[assignment]
    assert reported and reported[0] == (0, len(CSV.strip().splitlines()) - 1)
    job.refresh_from_db()
    batch = CreditListImport.objects.get()
    assert job.params["batch"] == batch.pk and job.progress == 100
    assert job.details == [e["message"] for e in batch.errors] and len(job.details) >= 3
    assert all(d.startswith("第 ") and "行：" in d for d in job.details)  # each row, in Chinese
    assert job.message.startswith(f"有效 {len(batch.rows)} 行，错误 {len(batch.errors)} 行")
    assert not stored_files(job)  # the upload is consumed
    page = client.get(reverse("tasks:job_detail", args=[job.pk])).content.decode()
    assert job.details[0] in page and reverse("enterprises:credit_import", args=[batch.pk]) in page
    assert AuditEvent.objects.filter(action="credit_list.import_previewed").count() == 1

    preview = reverse("enterprises:credit_import", args=[batch.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        applied = client.post(preview, {"action": "apply"})
    apply_job = Job.objects.get(kind=JobKind.CREDIT_LIST_APPLY)
    assert applied["Location"] == reverse("tasks:job_detail", args=[apply_job.pk])
    assert client.post(preview, {"action": "apply"})["Location"] == applied["Location"]  # queued once
    assert not CreditListEntry.objects.exists()
    assert services.job_run(apply_job.pk) == JobStatus.DONE
    apply_job.refresh_from_db()
    assert CreditListEntry.objects.count() == len(batch.rows) and apply_job.message == (
        f"已导入 {len(batch.rows)} 条记录。"
    )
    assert services.job_result_url(apply_job) == reverse("enterprises:credit_list")
    assert AuditEvent.objects.filter(action="credit_list.apply_queued").count() == 1
    assert AuditEvent.objects.filter(action="credit_list.imported").count() == 1
    # A second apply of the same batch is refused at once, with the reason; and by the worker, too.
    batch.refresh_from_db()
    with pytest.raises(ValidationError, match="已处理"):
        services.credit_list_apply_job_start(actor=admin_user, batch=batch)
    refused = client.post(preview, {"action": "apply"}, follow=True).content.decode()
    assert "该导入批次已处理，不能重复导入。" in refused
    stale = services._job_create(
        actor=admin_user, kind=JobKind.CREDIT_LIST_APPLY, title="导入信用名单", params={"batch": batch.pk}
    )
    assert services.job_run(stale.pk) == JobStatus.FAILED
    assert "已处理" in Job.objects.get(pk=stale.pk).message


def test_tasks_credit_list_upload_refused_at_once(admin_user: Any) -> None:
    client = login(admin_user)
    text = client.post(
        reverse("enterprises:credit_list"), {"action": "import", "file": _credit_upload("名单.txt")}
    ).content.decode()
    assert "仅支持 .csv 或 .xlsx 文件" in text
    with pytest.raises(ValidationError) as refused:
        services.credit_list_import_job_start(actor=admin_user, file=_credit_upload("名单.pdf"))
    assert refused.value.message_dict == {"file": ["仅支持 .csv 或 .xlsx 文件。"]}
    broken = SimpleUploadedFile("名单.xlsx", b"PK\x03\x04 not a workbook")
    with pytest.raises(ValidationError) as refused:
        services.credit_list_import_job_start(actor=admin_user, file=broken)
    assert "不是有效的压缩文件" in refused.value.messages[0]
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", ["enterprise_user", "provider_user", "reviewer_user"])
def test_tasks_only_the_bureau_imports_the_credit_list(request: Any, role: str, admin_user: Any) -> None:
    client = login(request.getfixturevalue(role))
    response = client.post(reverse("enterprises:credit_list"), {"action": "import", "file": _credit_upload()})
    assert response.status_code == 403
    with pytest.raises(Exception, match="管理员"):
        services.credit_list_import_job_start(actor=request.getfixturevalue(role), file=_credit_upload())
    assert not Job.objects.exists()


def test_tasks_a_wrong_credit_list_row_reads_in_chinese_on_the_job(admin_user: Any) -> None:
    text = f"统一社会信用代码,单位名称,类型,认定日期\n{make_uscc(901)},北京戊,严重失信,2024-02-30\n"
    job = services.credit_list_import_job_start(actor=admin_user, file=_credit_upload(text=text))
    assert services.job_run(job.pk) == JobStatus.DONE
    job.refresh_from_db()
    assert job.details == ["第 2 行：认定日期格式不正确，应为 YYYY-MM-DD。"]
    assert job.message.endswith("没有可导入的有效行。")


# --- uploads of a start that rolled back ------------------------------------------------------------------


def test_tasks_uploads_of_a_rolled_back_start_are_deleted(claim: Any, provider: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        job = services.claim_merge_job_start(
            actor=provider,
            claim=claim,
            kind=MaterialKind.BANK_RECEIPT,
            files=[image_file("1.png"), image_file("2.png")],
        )
        assert len(stored_files(job)) == 2  # saved beside the row while the transaction is open
        raise RuntimeError("the request failed after the start")
    assert not Job.objects.exists()
    assert stored_files(job) == []


def test_tasks_a_start_failing_half_way_leaves_no_file(claim: Any, provider: Any, monkeypatch: Any) -> None:
    save = default_storage.save
    calls: list[str] = []

    def save_once(name: str, content: Any, **kwargs: Any) -> str:
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return save(name, content, **kwargs)

    monkeypatch.setattr(default_storage, "save", save_once)
    with pytest.raises(OSError, match="disk full"):
        services.claim_merge_job_start(
            actor=provider,
            claim=claim,
            kind=MaterialKind.BANK_RECEIPT,
            files=[image_file("1.png"), image_file("2.png")],
        )
    assert len(calls) == 2 and not default_storage.exists(calls[0])
    assert not Job.objects.exists() and not ClaimMaterial.objects.exists()


def test_tasks_uploads_of_a_committed_start_stay_until_the_worker_ran(
    claim: Any, provider: Any, queued: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.claim_merge_job_start(
            actor=provider,
            claim=claim,
            kind=MaterialKind.BANK_RECEIPT,
            files=[image_file("1.png"), image_file("2.png")],
        )
    assert len(stored_files(job)) == 2  # committed: kept for the worker
    assert services.job_run(job.pk) == JobStatus.DONE
    assert stored_files(job) == []


def test_tasks_credit_list_through_the_api_reads_then_applies_as_jobs(
    admin_user: Any, queued: None, django_capture_on_commit_callbacks: Any
) -> None:
    """Upload → job → the preview batch at the job's ``result_api_url`` → apply → job → entries listed."""
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        read = client.post("/api/v1/enterprises/credit-list/imports", {"file": _credit_upload()})
    assert read.status_code == 202 and not CreditListImport.objects.exists()
    assert services.job_run(read.json()["id"]) == JobStatus.DONE
    state = client.get(f"/api/v1/tasks/jobs/{read.json()['id']}").json()
    batch = CreditListImport.objects.get()
    assert state["result_api_url"] == f"/api/v1/enterprises/credit-list/imports/{batch.pk}"
    preview = client.get(state["result_api_url"]).json()
    assert (preview["id"], preview["status"], len(preview["rows"])) == (batch.pk, "preview", len(batch.rows))
    entries = CreditListEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        apply = client.post(f"/api/v1/enterprises/credit-list/imports/{batch.pk}/apply")
    assert apply.status_code == 202 and CreditListEntry.objects.count() == entries  # nothing yet
    assert services.job_run(apply.json()["id"]) == JobStatus.DONE
    assert CreditListEntry.objects.count() == entries + len(batch.rows)
    assert client.get(f"/api/v1/tasks/jobs/{apply.json()['id']}").json()["result_api_url"] == ""
    again = client.post(f"/api/v1/enterprises/credit-list/imports/{batch.pk}/apply")
    assert again.status_code == 422 and again.json()["code"] == "import_not_pending"
    other = login(UserFactory(role="reviewer"))
    assert other.get(f"/api/v1/enterprises/credit-list/imports/{batch.pk}").status_code == 403

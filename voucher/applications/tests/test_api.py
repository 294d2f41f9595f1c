"""The JSON API: the same flow as the pages — create, temp-save, save with errors, upload, submit, decide."""

from __future__ import annotations

import pytest

from voucher.applications.choices import MaterialKind
from voucher.applications.models import Application
from voucher.applications.samples import tiny_pdf
from voucher.core.clock import frozen_at
from voucher.testing.applications import IN_WINDOW, attach_product_files, prepare_provider, valid_data

pytestmark = pytest.mark.django_db
BASE = "/api/v1/applications"


def _json(data):
    out = dict(data)
    out["price_transactions"] = [
        {"transacted_on": t["transacted_on"].isoformat(), "amount": t["amount"]}
        for t in data["price_transactions"]
    ]
    return out


def test_api_full_flow(client, provider_user, reviewer_user, programme_2025):
    prepare_provider(provider_user, programme_2025)
    client.force_login(provider_user)
    with frozen_at(IN_WINDOW):
        created = client.post(f"{BASE}/", {"product_name": "API产品"}, content_type="application/json")
        assert created.status_code == 201, created.content
        pk = created.json()["id"]
        assert created.json()["status_label"] == "待提交"
        bad = client.put(
            f"{BASE}/{pk}", {"summary": "字" * 301, "contact_mobile": "123"}, content_type="application/json"
        )
        assert bad.status_code == 422
        body = bad.json()
        assert body["code"] == "invalid" and {"summary", "contact_mobile", "direction"} <= set(body["fields"])
        data = _json(valid_data(provider_user.organisation, product_name="API产品"))
        saved = client.put(f"{BASE}/{pk}", data, content_type="application/json")
        assert saved.status_code == 200, saved.content
        assert saved.json()["price_display"] == "100000元/年"
        upload = client.post(
            f"{BASE}/{pk}/materials",
            {"kind": MaterialKind.PRICE_PROOF, "file": _file("报价.pdf", tiny_pdf())},
        )
        assert upload.status_code == 201 and upload.json()["folder"] == "1-API产品"
        attach_product_files(provider_user, Application.objects.get(pk=pk))
        problems = client.get(f"{BASE}/{pk}/problems").json()
        assert problems == {}
        no_pledge = client.post(
            f"{BASE}/{pk}/submit", {"pledge_accepted": False}, content_type="application/json"
        )
        assert no_pledge.status_code == 422 and "pledge" in no_pledge.json()["fields"]
        done = client.post(f"{BASE}/{pk}/submit", {"pledge_accepted": True}, content_type="application/json")
        assert done.status_code == 200 and done.json()["status"] == "submitted"
        locked = client.put(f"{BASE}/{pk}/draft", {"summary": "改"}, content_type="application/json")
        assert locked.status_code == 403
    checks = client.get(f"{BASE}/{pk}/checks").json()
    assert {c["code"] for c in checks} >= {"P9-1", "P9-3", "P9-6"}
    client.force_login(reviewer_user)
    assert (
        client.post(f"{BASE}/{pk}/return", {"comment": ""}, content_type="application/json").status_code
        == 422
    )
    returned = client.post(f"{BASE}/{pk}/return", {"comment": "请补充"}, content_type="application/json")
    assert returned.json()["status"] == "returned"
    illegal = client.post(f"{BASE}/{pk}/approve", {}, content_type="application/json")
    assert illegal.status_code == 422 and "status" in illegal.json()["fields"]


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_api_renamed_executable_refused(client, provider_user, programme_2025):
    client.force_login(provider_user)
    pk = client.post(f"{BASE}/", {}, content_type="application/json").json()["id"]
    response = client.post(
        f"{BASE}/{pk}/materials",
        {"kind": MaterialKind.PRICE_PROOF, "file": _file("a.pdf", b"MZ" + b"\0" * 64)},
    )
    assert response.status_code == 422 and "可执行程序" in response.json()["message"]


def test_api_excel_template_and_import_errors(
    client, provider_user, programme_2025, django_capture_on_commit_callbacks
):
    client.force_login(provider_user)
    pk = client.post(f"{BASE}/", {}, content_type="application/json").json()["id"]
    template = client.get(f"{BASE}/{pk}/excel")
    assert template.status_code == 200 and template.content.startswith(b"PK")
    with django_capture_on_commit_callbacks(execute=True):  # the cells are read by a background job
        response = client.post(f"{BASE}/{pk}/excel", {"file": _file("a.xlsx", template.content)})
    assert response.status_code == 202 and response.json()["status"] == "pending"
    job = client.get(f"/api/v1/tasks/jobs/{response.json()['id']}").json()
    assert job["status"] == "failed" and "未保存任何内容" in job["message"]
    assert any("B6" in m for m in job["details"])  # empty product name
    assert Application.objects.get(pk=pk).product_name == ""
    wrong = client.post(f"{BASE}/{pk}/excel", {"file": _file("a.xlsx", b"MZ" + b"\0" * 64)})
    assert wrong.status_code == 422 and "excel" in wrong.json()["fields"]  # refused in the request


def test_api_dossier_and_provider_materials(client, provider_user, programme_2025):
    client.force_login(provider_user)
    response = client.put(
        f"{BASE}/dossier",
        {
            "revenue_last_year_wan": "900",
            "qualifications": ["cnas"],
            "sme_contracts": [{"enterprise": "北京甲", "signed_on": "2024-02-01"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["qualifications"] == ["cnas"]
    bad = client.put(f"{BASE}/dossier", {"qualifications": ["unknown"]}, content_type="application/json")
    assert bad.status_code == 422
    upload = client.post(
        f"{BASE}/provider-materials", {"kind": "licence", "file": _file("执照.pdf", tiny_pdf())}
    )
    assert upload.status_code == 201
    listed = client.get(f"{BASE}/materials", {"q": "执照"}).json()
    assert [m["original_name"] for m in listed] == ["执照.pdf"]
    assert client.delete(f"{BASE}/materials/{listed[0]['id']}").status_code == 204


def test_api_list_filters_by_status(client, provider_user, submitted):
    client.force_login(provider_user)
    assert [a["id"] for a in client.get(f"{BASE}/", {"status": "submitted"}).json()] == [submitted.pk]
    assert client.get(f"{BASE}/", {"status": "draft"}).json() == []


def test_api_enterprise_refused(client, enterprise_user):
    client.force_login(enterprise_user)
    assert client.get(f"{BASE}/").status_code == 403
    assert client.post(f"{BASE}/", {}, content_type="application/json").status_code == 403


def test_api_endpoints_in_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        f"{BASE}/",
        f"{BASE}/{{pk}}",
        f"{BASE}/{{pk}}/submit",
        f"{BASE}/{{pk}}/materials",
        f"{BASE}/{{pk}}/excel",
        f"{BASE}/{{pk}}/differences",
        f"{BASE}/materials",
        f"{BASE}/dossier",
    ]:
        assert path in paths, path


def test_demo_seed_creates_applications_in_every_status(db):
    from voucher.applications.choices import ApplicationStatus
    from voucher.demo.applications import seed_applications
    from voucher.demo.seed import seed_demo

    seed_demo()
    created = seed_applications()
    assert {a.status for a in created} == set(ApplicationStatus.values)
    assert seed_applications() == list(Application.objects.order_by("id"))  # idempotent

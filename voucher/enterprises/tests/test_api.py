"""API: every endpoint, its 4xx codes and its permissions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from voucher.demo.codes import make_uscc
from voucher.enterprises.models import CreditListEntry

API = "/api/v1/enterprises"


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_openapi_lists_the_enterprise_endpoints(db) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/uscc/check",
        "/me",
        "/me/authenticate",
        "/me/classify",
        "/me/quota",
        "/me/quota/ledger",
        "/me/pledge",
        "/industries",
        "/credit-checks",
        "/credit-list",
        "/credit-list/imports",
        "/organisations",
    ]:
        assert f"{API}{path}" in paths


@pytest.mark.parametrize(
    ("code", "valid", "eligible", "refusal"),
    [
        ("91110302562134916R", True, True, ""),
        ("91110302MA222LU88A", False, False, "uscc_checksum"),
        (make_uscc(5, authority_type="12"), True, False, "not_enterprise"),
        (make_uscc(5, division="310101"), True, False, "not_beijing"),
        (make_uscc(5, authority_type="92"), True, False, "individual_business"),
    ],
)
def test_e1_e2_uscc_check_endpoint(db, code: str, valid: bool, eligible: bool, refusal: str) -> None:
    data = Client().post(f"{API}/uscc/check", {"uscc": code}, content_type="application/json").json()
    assert (data["valid"], data["eligible"], data["refusal_code"]) == (valid, eligible, refusal)
    assert data["reason"]


def test_e3_e6_enterprise_flow_over_the_api(verified_user, programme_2025) -> None:
    client = client_for(verified_user)
    assert client.get(f"{API}/me").json()["step"] == "classify"
    response = client.post(
        f"{API}/me/classify",
        {"industry_code": "C1515", "employees": 30, "revenue_wan": "800.00", "assets_wan": "500"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["size"], data["eligible"], data["industry_group"]) == ("small", True, "工业")
    assert data["credit_check"]["outcome"] == "pass"
    me = client.get(f"{API}/me").json()
    assert me["quota"]["available"] == "200000.00" and me["digital_marketing_eligible"] is True
    assert client.get(f"{API}/me/quota").json()["cap"] == "200000.00"
    assert [e["kind"] for e in client.get(f"{API}/me/quota/ledger").json()] == ["grant"]
    assert len(client.get(f"{API}/me/classifications").json()) == 1
    pdf = client.get(f"{API}/me/pledge", {"order": "DD1"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_e3_invalid_input_is_422_with_field(verified_user, programme_2025) -> None:
    response = client_for(verified_user).post(
        f"{API}/me/classify",
        {"industry_code": "ZZZ", "employees": 3, "revenue_wan": "1", "assets_wan": "1"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "industry_code" in response.json()["fields"]


def test_e1_authenticate_endpoint_field_error(enterprise_user) -> None:
    response = client_for(enterprise_user).post(
        f"{API}/me/authenticate", {"uscc": "123"}, content_type="application/json"
    )
    assert response.status_code == 422 and "uscc" in response.json()["fields"]
    response = client_for(enterprise_user).post(
        f"{API}/me/authenticate", {"uscc": enterprise_user.organisation.uscc}, content_type="application/json"
    )
    assert response.json()["status"] == "verified"


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("provider_user", 403), ("admin_user", 403)])
def test_me_endpoints_are_for_enterprises(request, db, who: str, status: int) -> None:
    user = None if who == "anonymous" else request.getfixturevalue(who)
    assert client_for(user).get(f"{API}/me").status_code == status


def test_no_quota_yet_is_422_with_code(verified_user) -> None:
    response = client_for(verified_user).get(f"{API}/me/quota")
    assert response.status_code == 422 and "额度" in response.json()["message"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("provider_user", 403),
        ("other_enterprise_user", 404),  # another enterprise does not learn the record exists
        ("eligible_user", 200),
        ("reviewer_user", 200),
        ("admin_user", 200),
    ],
)
def test_organisation_status_permissions(request, eligible_user, who: str, status: int) -> None:
    user = None if who == "anonymous" else request.getfixturevalue(who)
    response = client_for(user).get(f"{API}/organisations/{eligible_user.organisation.pk}")
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("enterprise_user", 403), ("reviewer_user", 200), ("admin_user", 200)]
)
def test_organisation_list_permissions(request, eligible_user, who: str, status: int) -> None:
    response = client_for(request.getfixturevalue(who)).get(f"{API}/organisations")
    assert response.status_code == status
    if status == 200:
        assert [r["organisation_id"] for r in response.json()] == [eligible_user.organisation.pk]


def test_e4_credit_list_endpoints(admin_user, enterprise_user, django_capture_on_commit_callbacks) -> None:
    admin = client_for(admin_user)
    payload = {
        "uscc": make_uscc(612),
        "name": "北京甲",
        "kind": "serious_negative",
        "recorded_on": "2024-05-06",
    }
    assert (
        client_for(enterprise_user)
        .post(f"{API}/credit-list", payload, content_type="application/json")
        .status_code
        == 403
    )
    response = admin.post(f"{API}/credit-list", payload, content_type="application/json")
    assert response.status_code == 201
    entry_id = response.json()["id"]
    bad = admin.post(f"{API}/credit-list", {**payload, "uscc": "bad"}, content_type="application/json")
    assert bad.status_code == 422 and "uscc" in bad.json()["fields"]
    assert len(admin.get(f"{API}/credit-list").json()) == 1
    assert admin.post(f"{API}/credit-list/{entry_id}/deactivate").json()["active"] is False
    csv = f"统一社会信用代码,单位名称,类型,认定日期\n{make_uscc(613)},北京乙,失信被执行人,2024-01-01\n,,,x\n"
    with django_capture_on_commit_callbacks(execute=True):  # read by a background job after commit
        response = admin.post(
            f"{API}/credit-list/imports", {"file": SimpleUploadedFile("l.csv", csv.encode())}
        )
    assert response.status_code == 202
    job = admin.get(f"/api/v1/tasks/jobs/{response.json()['id']}").json()
    assert job["status"] == "done", job
    batch = admin.get(job["result_api_url"]).json()
    assert len(batch["rows"]) == 1 and batch["errors"][0]["line"] == 3
    assert (
        client_for(enterprise_user).post(f"{API}/credit-list/imports/{batch['id']}/apply").status_code == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        applied = admin.post(f"{API}/credit-list/imports/{batch['id']}/apply")
    assert applied.status_code == 202
    assert admin.get(f"/api/v1/tasks/jobs/{applied.json()['id']}").json()["status"] == "done"
    assert CreditListEntry.objects.filter(active=True).count() == 1


def test_e4_credit_check_endpoint(eligible_user, other_enterprise_user, admin_user) -> None:
    org_id = eligible_user.organisation.pk
    body = {"organisation_id": org_id, "context": "order"}
    response = client_for(eligible_user).post(f"{API}/credit-checks", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["outcome"] == "pass"
    assert dt.datetime.fromisoformat(response.json()["checked_at"])
    assert (
        client_for(other_enterprise_user)
        .post(f"{API}/credit-checks", body, content_type="application/json")
        .status_code
        == 404  # another organisation: not found, as for a number that does not exist
    )
    bad = client_for(admin_user).post(
        f"{API}/credit-checks", {**body, "context": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422


def test_e5_industry_endpoints(db) -> None:
    client = Client()
    assert [i["code"] for i in client.get(f"{API}/industries", {"q": "葡萄酒"}).json()] == ["C1515"]
    assert client.get(f"{API}/industries/C1515").json()["digital_marketing_eligible"] is True
    assert client.get(f"{API}/industries/C1513").json()["digital_marketing_eligible"] is False
    assert client.get(f"{API}/industries/X9").status_code == 404

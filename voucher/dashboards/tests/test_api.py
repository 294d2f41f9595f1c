"""Dashboard API (/api/v1/dashboard): figures equal the ledger, filters are checked, tables export."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from voucher.testing.dashboards import account_sums, approved_sum, ledger_sums

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def api(client, admin_user):
    client.force_login(admin_user)
    return client


def test_m4_budget_api_equals_the_ledger(world, api, filters):
    body = api.get("/api/v1/dashboard/budget", {"year": 2025}).json()
    accounts, ledger = account_sums(filters.programme), ledger_sums(filters.programme)
    for bucket in ("reserved", "committed", "paid"):
        assert D(body["totals"][bucket]) == accounts[bucket] == ledger[bucket] == D(body["accounts"][bucket])
    assert D(body["totals"]["approved"]) == approved_sum(filters.programme)
    assert body["ledger_matches_accounts"] is True
    for part in ("by_field", "by_direction", "by_district"):
        for bucket in ("reserved", "committed", "approved", "paid"):
            assert sum(D(r[bucket]) for r in body[part]) == D(body["totals"][bucket])
    assert [r["key"] for r in body["series"]][:2] == ["2025-01", "2025-02"]
    assert body["series"][-1]["approved"] == body["totals"]["approved"]
    assert {r["label"] for r in body["by_district"]} == {"海淀区", "朝阳区", "大兴区"}


def test_m4_budget_api_filters(world, api):
    body = api.get(
        "/api/v1/dashboard/budget", {"year": 2025, "direction": "energy_audit", "period": "week"}
    ).json()
    assert body["direction"] == "energy_audit" and body["period"] == "week"
    assert [r["key"] for r in body["by_direction"]] == ["energy_audit"]
    assert D(body["totals"]["approved"]) == D("25000.00")
    assert len(body["series"]) == 53


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"direction": "no_such_direction"}, "direction"),
        ({"field": "green", "direction": "industrial_design"}, "direction"),
        ({"period": "decade"}, "period"),
        ({"year": 1999}, "year"),
    ],
)
def test_m4_bad_filters_are_422_with_the_field(world, api, query, field):
    response = api.get("/api/v1/dashboard/budget", query)
    assert response.status_code == 422
    assert field in response.json()["fields"]


def test_m4_vouchers_claims_providers_api(world, api):
    vouchers = api.get("/api/v1/dashboard/vouchers", {"year": 2025}).json()
    assert (vouchers["total"], vouchers["ordered"], vouchers["left"]) == (12, 5, 7)
    assert all(p["total"] == p["ordered"] + p["left"] for p in vouchers["products"])
    claims = api.get("/api/v1/dashboard/claims", {"year": 2025}).json()
    status = {r["status"]: r for r in claims["by_status"]}
    assert status["approved"]["count"] == 2 and D(status["approved"]["approved"]) == D("43000.00")
    assert sum(r["count"] for r in claims["by_age"]) == 1
    providers = api.get("/api/v1/dashboard/providers", {"year": 2025, "sort": "rating"}).json()
    assert providers["sort"] == "rating"
    assert providers["providers"][0]["rating"] == "4.00"
    assert [p["rank"] for p in providers["providers"]] == [1, 2]


def test_m4_export_api_returns_the_table(world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # a background job, run by a worker after commit
        response = api.get("/api/v1/dashboard/export", {"table": "claims_status", "year": 2025})
    assert response.status_code == 202 and response.json()["status"] == "pending"
    job = api.get(f"/api/v1/tasks/jobs/{response.json()['id']}").json()
    assert job["status"] == "done" and job["download_url"], job
    download = api.get(job["download_url"])
    assert download["Content-Disposition"].endswith('filename="dashboard-2025-claims_status.xlsx"')
    content = b"".join(download.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[2][0] == "状态"
    assert next(r for r in rows if r[0] == "审核通过")[1] == 2
    assert api.get("/api/v1/dashboard/export", {"table": "nope"}).status_code == 422


def test_m4_openapi_lists_the_dashboard_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("budget", "vouchers", "claims", "providers", "export"):
        assert f"/api/v1/dashboard/{path}" in paths

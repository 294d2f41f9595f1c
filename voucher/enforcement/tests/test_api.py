"""Oversight API (/api/v1/oversight): cases, lifting, clawbacks with repayments, spot checks and verification;
errors are {code, message, fields}."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from voucher.core import clock
from voucher.enforcement.models import SpotCheck
from voucher.testing.enforcement import DAY


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_m5_case_lift_and_current(claim, admin_user, enterprise):
    admin = login(admin_user)
    with clock.frozen_at(DAY):
        response = post(
            admin,
            "/api/v1/oversight/cases",
            {
                "kind": "transfer",
                "facts": "倒卖",
                "enterprise_uscc": claim.enterprise.uscc,
                "order_numbers": [claim.order.number],
            },
        )
        assert response.status_code == 201, response.content
        case = response.json()
        assert (
            case["sanctions"][0]["ends_on"] == "2028-09-10"
            and case["clawbacks"][0]["amount_due"] == "30000.00"
        )
        current = login(enterprise).get("/api/v1/oversight/sanctions/current").json()
        assert current["kind"] == "transfer" and "2028-09-10" in current["reason"]
        sanction_id = case["sanctions"][0]["id"]
        refused = post(admin, f"/api/v1/oversight/sanctions/{sanction_id}/lift", {"reason": ""})
        assert refused.status_code == 422 and refused.json()["code"] == "required"
        lifted = post(admin, f"/api/v1/oversight/sanctions/{sanction_id}/lift", {"reason": "撤销"})
        assert lifted.status_code == 200 and lifted.json()["in_force"] is False
        assert login(enterprise).get("/api/v1/oversight/sanctions/current").json() is None


def test_m5_case_validation_codes(db, admin_user, programme_2025):
    with clock.frozen_at(DAY):
        response = post(login(admin_user), "/api/v1/oversight/cases", {"kind": "bogus", "facts": "x"})
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"kind", "enterprise"}


def test_m1_report_repay_and_list(claim, provider, admin_user):
    with clock.frozen_at(DAY):
        response = login(provider).post(
            "/api/v1/oversight/clawbacks/report",
            {
                "order_number": claim.order.number,
                "reason_kind": "no_service",
                "amount": "30000.00",
                "reason": "未开展实质服务",
                "file": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png"),
            },
        )
        assert response.status_code == 201, response.content
        clawback = response.json()
        too_much = post(
            login(admin_user),
            f"/api/v1/oversight/clawbacks/{clawback['id']}/repayments",
            {"paid_on": DAY.isoformat(), "amount": "30000.01", "reference": "A"},
        )
        assert too_much.status_code == 422 and too_much.json()["code"] == "above_outstanding"
        ok = post(
            login(admin_user),
            f"/api/v1/oversight/clawbacks/{clawback['id']}/repayments",
            {"paid_on": DAY.isoformat(), "amount": "30000.00", "reference": "A"},
        )
        assert ok.status_code == 201
        listed = login(provider).get("/api/v1/oversight/clawbacks").json()
        assert listed[0]["status"] == "repaid" and listed[0]["outstanding"] == "0.00"
        forbidden = post(
            login(provider),
            "/api/v1/oversight/clawbacks",
            {"order_number": claim.order.number, "reason_kind": "other", "amount": "1", "reason": "x"},
        )
        assert forbidden.status_code == 403


def test_m2_spot_check_api(claim, admin_user, reviewer_user):
    admin = login(admin_user)
    with clock.frozen_at(DAY):
        created = post(
            admin, "/api/v1/oversight/spot-checks", {"target": "orders", "percent": "100", "seed": "k"}
        )
        assert created.status_code == 201, created.content
        check = created.json()
        assert check["seed"] == "k" and len(check["items"]) == 1
        assigned = post(
            admin, f"/api/v1/oversight/spot-checks/{check['id']}/assign", {"inspector_id": reviewer_user.pk}
        )
        item_id = assigned.json()["items"][0]["id"]
        mine = login(reviewer_user).get(f"/api/v1/oversight/spot-checks/{check['id']}").json()
        assert [i["id"] for i in mine["items"]] == [item_id]
        finding = post(
            login(reviewer_user),
            f"/api/v1/oversight/spot-checks/items/{item_id}/finding",
            {"outcome": "compliant", "findings": "材料齐全"},
        )
        assert finding.status_code == 200 and finding.json()["outcome"] == "compliant"
        verify = admin.get(f"/api/v1/oversight/spot-checks/{check['id']}/verify").json()
        assert verify["matches"] is True
        SpotCheck.objects.filter(pk=check["id"]).update(population_ids=[1, 2, 3])
        verify = admin.get(f"/api/v1/oversight/spot-checks/{check['id']}/verify").json()
        assert verify["matches"] is False and verify["stored_hash_ok"] is False


def test_api_operations_in_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/oversight/cases",
        "/api/v1/oversight/sanctions/{sanction_id}/lift",
        "/api/v1/oversight/clawbacks/report",
        "/api/v1/oversight/clawbacks/{clawback_id}/repayments",
        "/api/v1/oversight/spot-checks/{check_id}/verify",
    ]:
        assert path in paths

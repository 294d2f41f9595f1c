"""The payout API: preview, create, remove, publish, object (public), resolve, approve, export, mark paid;
errors as {code, message, fields}."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from voucher.core import clock
from voucher.enforcement.invariants import ledger_mismatches
from voucher.testing.payouts import PUBLISH_DAY

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, path, data=None):
    return client.post(path, data=json.dumps(data or {}), content_type="application/json")


def test_api_full_flow(claims, payees, admin_user, programme_2025):
    client = login(admin_user)
    with clock.frozen_at(PUBLISH_DAY):
        preview = post(client, "/api/v1/payouts/batches/preview", {"programme_id": programme_2025.pk})
        assert preview.status_code == 200 and preview.json()["count"] == 3
        created = post(
            client, "/api/v1/payouts/batches", {"programme_id": programme_2025.pk, "title": "API 批次"}
        )
        assert created.status_code == 201
        batch = created.json()
        assert batch["total_amount"] == preview.json()["total"] and len(batch["items"]) == 3
        pk = batch["id"]
        removed = post(
            client,
            f"/api/v1/payouts/batches/{pk}/items/{batch['items'][0]['id']}/remove",
            {"reason": "材料待核"},
        )
        assert removed.json()["item_count"] == 2
        published = post(client, f"/api/v1/payouts/batches/{pk}/publish", {})
        assert published.json()["status"] == "noticed"
        public = Client().get(f"/api/v1/payouts/public/batches/{pk}").json()
        assert public["accepting_objections"] is True and len(public["items"]) == 2
        assert "account_number" not in json.dumps(public)
        item_id = public["items"][0]["id"]
        filed = Client().post(
            f"/api/v1/payouts/public/batches/{pk}/objections",
            {"item_ids": [item_id], "name": "李四", "contact": "13900000000", "text": "金额有误"},
        )
        assert filed.status_code == 201, filed.content
    objections = client.get(f"/api/v1/payouts/batches/{pk}/objections").json()
    assert objections[0]["item_ids"] == [item_id]
    ends = dt.date.fromisoformat(published.json()["notice_ends_on"])
    with clock.frozen_at(ends + dt.timedelta(days=1)):
        refused = post(client, f"/api/v1/payouts/batches/{pk}/approve")
        assert refused.status_code == 403 and refused.json()["code"] == "open_objections"
        post(
            client,
            f"/api/v1/payouts/objections/{objections[0]['id']}/resolve",
            {"action": "dismiss", "resolution": "核实无误"},
        )
        assert post(client, f"/api/v1/payouts/batches/{pk}/approve").json()["status"] == "approved"
        exported = post(client, f"/api/v1/payouts/batches/{pk}/export")
        assert exported.status_code == 200
        rows = list(
            load_workbook(io.BytesIO(b"".join(exported.streaming_content)), read_only=True).active.iter_rows(
                values_only=True
            )
        )
        assert len(rows) == 2 + 2 + 1
        bad = post(client, f"/api/v1/payouts/batches/{pk}/paid", {"reference": ""})
        assert bad.status_code == 422 and set(bad.json()["fields"]) == {"reference", "paid_on"}
        paid = post(
            client,
            f"/api/v1/payouts/batches/{pk}/paid",
            {"reference": "BANK-1", "paid_on": clock.today().isoformat()},
        )
        assert paid.json()["status"] == "paid"
    assert ledger_mismatches() == []


def test_api_payee_round_trip(provider_a):
    client = login(provider_a)
    assert client.get("/api/v1/payouts/payee").status_code == 204
    bad = client.put(
        "/api/v1/payouts/payee", data=json.dumps({"bank_name": "银行"}), content_type="application/json"
    )
    assert bad.status_code == 422 and "account_number" in bad.json()["fields"]
    ok = client.put(
        "/api/v1/payouts/payee",
        data=json.dumps({"bank_name": "银行", "account_number": "123456789012"}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["account_name"] == provider_a.organisation.name


def test_api_operations_are_in_the_schema():
    schema = Client().get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    for path in (
        "/api/v1/payouts/batches",
        "/api/v1/payouts/batches/preview",
        "/api/v1/payouts/batches/{pk}/publish",
        "/api/v1/payouts/batches/{pk}/approve",
        "/api/v1/payouts/batches/{pk}/export",
        "/api/v1/payouts/batches/{pk}/paid",
        "/api/v1/payouts/objections/{pk}/resolve",
        "/api/v1/payouts/public/batches/{pk}/objections",
        "/api/v1/payouts/mine",
        "/api/v1/payouts/payee",
    ):
        assert path in paths, path

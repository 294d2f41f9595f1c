"""The claim API: the whole flow, error codes (422 with the rule's code), and the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.test import Client

from voucher.claims.choices import MaterialKind
from voucher.claims.models import Claim
from voucher.testing.claims import contract_pdf, image_file, pdf_file
from voucher.testing.invoices import invoice_pdf, sample_for

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


def finished(client, response):
    """The job a 202 answer queued, as ``GET /api/v1/tasks/jobs/{id}`` shows it once the worker ran it."""
    assert response.status_code == 202, response.content
    state = client.get(f"/api/v1/tasks/jobs/{response.json()['id']}").json()
    assert state["status"] == "done", state
    return state


def test_api_flow_provider_to_reviewer(
    contract, provider, reviewer_user, buyer, on_claim_day, django_capture_on_commit_callbacks
):
    client = login(provider)
    number = contract.order.number
    claimable = client.get("/api/v1/claims/claimable").json()
    assert claimable[0]["order_number"] == number and claimable[0]["deadline"] == "2025-09-14"
    assert client.post(f"/api/v1/claims/{number}/start").status_code == 201
    bad = client.put(
        f"/api/v1/claims/{number}/data",
        {
            "invoice_number": "A1",
            "invoice_date": "2025-06-30",
            "invoice_amount": "100000.00",
            "receipt_date": "2025-07-02",
            "receipt_amount": "70000.00",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "date_before_contract"
    ok = client.put(
        f"/api/v1/claims/{number}/data",
        {
            "invoice_number": "A1",
            "invoice_date": "2025-07-02",
            "invoice_amount": "100000.00",
            "receipt_date": "2025-07-02",
            "receipt_amount": "70000.00",
        },
        content_type="application/json",
    )
    assert ok.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the merge is a job a worker runs after commit
        merged = client.post(
            f"/api/v1/claims/{number}/materials/merge",
            {
                "kind": MaterialKind.BANK_RECEIPT,
                "files": [image_file("a.png"), image_file("b.png"), image_file("c.png")],
                "order": "2,3,1",
            },
        )
    assert merged.json()["status"] == "pending" and merged.json()["download_url"] == ""
    assert "（3 页）" in finished(client, merged)["message"]
    [material] = client.get(f"/api/v1/claims/{number}").json()["files"]
    assert material["page_count"] == 3 and material["merged_from"] == ["b.png", "c.png", "a.png"]
    for kind, file in (
        (MaterialKind.PLEDGE, pdf_file("承诺.pdf")),
        (
            MaterialKind.INVOICE,
            pdf_file("发票.pdf", data=invoice_pdf(sample_for(Claim.objects.get(contract=contract)))),
        ),
        (MaterialKind.INVOICE_VERIFICATION, image_file("v.png")),
        (MaterialKind.CONTRACT, contract_pdf(contract.order)),
    ):
        assert (
            client.post(f"/api/v1/claims/{number}/materials", {"kind": kind, "file": file}).status_code == 201
        )
    with django_capture_on_commit_callbacks(execute=True):  # the pre-checks too
        queued = client.post(f"/api/v1/claims/{number}/prechecks")
    assert finished(client, queued)["result_url"] == f"/claims/{number}/checks/"
    checks = client.get(f"/api/v1/claims/{number}").json()["checks"]
    assert checks and {c["outcome"] for c in checks} == {"pass"}
    unconfirmed = client.post(
        f"/api/v1/claims/{number}/submit", {"confirm": False}, content_type="application/json"
    )
    assert unconfirmed.status_code == 422 and unconfirmed.json()["code"] == "confirmation_required"
    detail = client.get(f"/api/v1/claims/{number}").json()
    assert detail["flags"] == [] and detail["problems"] == []
    submitted = client.post(
        f"/api/v1/claims/{number}/submit",
        {"confirm": True, "revision": detail["revision"]},
        content_type="application/json",
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = client.post(
        f"/api/v1/claims/{number}/materials", {"kind": MaterialKind.OTHER, "file": image_file()}
    )
    assert again.status_code == 403
    assert login(buyer).get(f"/api/v1/claims/{number}").json()["status"] == "submitted"
    reviewer = login(reviewer_user)
    over = reviewer.post(
        f"/api/v1/claims/{number}/decision",
        {"action": "approve", "payout": "30000.01"},
        content_type="application/json",
    )
    assert over.status_code == 422 and over.json()["code"] == "payout_above_deduction"
    done = reviewer.post(
        f"/api/v1/claims/{number}/decision",
        {"action": "approve", "payout": "29000.00", "reason": "核减"},
        content_type="application/json",
    )
    body = done.json()
    assert (
        done.status_code == 200 and body["approved_payout"] == "29000.00" and body["credit_outcome"] == "pass"
    )


def test_api_duplicate_invoice_code(filled, provider):
    response = login(provider).put(
        f"/api/v1/claims/{filled.order.number}/data",
        {
            "invoice_number": "",
            "invoice_date": "2025-07-02",
            "invoice_amount": "1",
            "receipt_date": "2025-07-02",
            "receipt_amount": "1",
        },
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["code"] == "required"


def test_api_waiver(contract, provider, on_claim_day):
    response = login(provider).post(
        f"/api/v1/claims/{contract.order.number}/waive", {"statement": "自愿放弃"}
    )
    assert response.status_code == 200 and response.json()["status"] == "waived"


def test_openapi_lists_the_claim_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/claims/",
        "/api/v1/claims/claimable",
        "/api/v1/claims/review/queue",
        "/api/v1/claims/{number}",
        "/api/v1/claims/{number}/materials/merge",
        "/api/v1/claims/{number}/submit",
        "/api/v1/claims/{number}/waive",
        "/api/v1/claims/{number}/decision",
    ):
        assert path in paths, path

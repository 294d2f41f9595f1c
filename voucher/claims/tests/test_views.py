"""The pages: the provider wizard end to end (merge three photos, upload, pre-checks, confirm), errors next to
their fields, the reviewer queue with flags and previews, and a reduced approval with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from voucher.claims.choices import ClaimStatus, MaterialKind
from voucher.claims.models import Claim
from voucher.testing.claims import contract_pdf, image_file, pdf_file

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_provider_wizard_from_order_to_irreversible_submission(
    contract, provider, on_claim_day, django_capture_on_commit_callbacks
):
    client = login(provider)
    number = contract.order.number
    index = client.get(reverse("claims:index"))
    assert number in index.content.decode() and "2025-09-14" in index.content.decode()
    assert client.post(reverse("claims:start", args=[number])).status_code == 302
    response = client.post(
        reverse("claims:data", args=[number]),
        {
            "invoice_number": "12345678",
            "invoice_date": "2025-07-02",
            "invoice_amount": "100000.00",
            "receipt_date": "2025-07-03",
            "receipt_amount": "70000.00",
        },
    )
    assert response.status_code == 302
    materials = reverse("claims:materials", args=[number])
    with django_capture_on_commit_callbacks(execute=True):  # the merge is a job a worker runs after commit
        merged = client.post(
            materials,
            {
                "tool": "merge",
                "kind": MaterialKind.BANK_RECEIPT,
                "file1": image_file("1.png", (255, 0, 0)),
                "file2": image_file("2.png", (0, 255, 0)),
                "file3": image_file("3.png", (0, 0, 255)),
            },
        )
    assert merged.status_code == 302
    for kind, file in (
        (MaterialKind.PLEDGE, pdf_file("承诺.pdf")),
        (MaterialKind.INVOICE, pdf_file("发票.pdf")),
        (MaterialKind.INVOICE_VERIFICATION, image_file("验真.png")),
        (MaterialKind.CONTRACT, contract_pdf(contract.order)),
    ):
        assert client.post(materials, {"tool": "upload", "kind": kind, "file": file}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):  # the first visit queues the pre-checks
        queued = client.get(reverse("claims:checks", args=[number]))
    assert "hx-get" in queued.content.decode()
    checks = client.get(reverse("claims:checks", args=[number]))
    assert "合同含系统订单编号" in checks.content.decode() and "hx-get" not in checks.content.decode()
    confirm = client.get(reverse("claims:confirm", args=[number]))
    page = confirm.content.decode()
    assert "不能撤回" in page and "data-confirm=" in page and "3 页" in page
    claim = Claim.objects.get(order__number=number)
    # Without the checkbox: refused next to the checkbox, nothing sent.
    refused = client.post(reverse("claims:confirm", args=[number]), {"revision": claim.revision})
    assert refused.status_code == 200 and "请勾选确认" in refused.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT
    done = client.post(
        reverse("claims:confirm", args=[number]), {"revision": claim.revision, "confirm": "on"}
    )
    assert done.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    # Afterwards nothing changes.
    assert client.get(reverse("claims:data", args=[number])).status_code == 403


def test_date_error_shown_next_to_its_field(claim, provider):
    response = login(provider).post(
        reverse("claims:data", args=[claim.order.number]),
        {
            "invoice_number": "1",
            "invoice_date": "2025-06-01",
            "invoice_amount": "1",
            "receipt_date": "2025-07-02",
            "receipt_amount": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "开票日期不得早于合同签订日期 2025-07-01" in html
    # Next to the field (and, before the form, in the summary that links to it).
    assert html.rindex("开票日期不得早于") > html.index('name="invoice_date"')
    assert html.index("开票日期不得早于") < html.index('href="#id_invoice_date"') + 200


def test_upload_error_shown_on_the_materials_page(claim, provider):
    response = login(provider).post(
        reverse("claims:materials", args=[claim.order.number]),
        {"tool": "upload", "kind": MaterialKind.INVOICE, "file": image_file("发票.png")},
    )
    assert response.status_code == 200 and "内容不是允许的格式" in response.content.decode()


def test_claim_after_the_deadline_refused_on_the_page(contract, provider):
    from voucher.core import clock

    with clock.frozen_at(dt.date(2025, 9, 15)):
        client = login(provider)
        response = client.post(reverse("claims:start", args=[contract.order.number]), follow=True)
    assert "兑券期限已于 2025-09-14 截止" in response.content.decode()
    assert not Claim.objects.exists()


def test_reviewer_queue_shows_flags_and_detail_shows_previews(submitted, reviewer_user):
    from voucher.accounts.models import Organisation

    Organisation.objects.filter(pk=submitted.provider_id).update(contact_phone="13800138000")
    Organisation.objects.filter(pk=submitted.enterprise_id).update(contact_phone="138-0013-8000")
    client = login(reviewer_user)
    queue = client.get(reverse("claims:queue")).content.decode()
    assert submitted.order.number in queue and "企业与服务商信息相同" in queue
    detail = client.get(reverse("claims:detail", args=[submitted.order.number])).content.decode()
    assert "<iframe" in detail and "<img" in detail
    assert "<script>" not in detail and " onclick=" not in detail  # the CSP forbids inline scripts


def test_reviewer_approves_a_reduced_payout_with_a_reason(submitted, reviewer_user):
    client = login(reviewer_user)
    url = reverse("claims:decide", args=[submitted.order.number])
    missing = client.post(url, {"action": "approve", "payout": "25000.00"})
    assert missing.status_code == 422 and "核减兑付金额时须填写核减原因" in missing.content.decode()
    done = client.post(
        url, {"action": "approve", "payout": "25000.00", "reason": "发票金额与服务内容不完全对应"}
    )
    assert done.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ClaimStatus.APPROVED and str(submitted.approved_payout) == "25000.00"


def test_waiver_page(contract, provider, on_claim_day):
    client = login(provider)
    url = reverse("claims:waive", args=[contract.order.number])
    unconfirmed = client.post(url, {"statement": "放弃"})
    assert "请勾选确认放弃兑付" in unconfirmed.content.decode()
    assert client.post(url, {"statement": "放弃", "confirm": "on"}).status_code == 302
    assert Claim.objects.get(contract=contract).status == ClaimStatus.WAIVED


def test_workbench_cards_and_nav(submitted, provider, reviewer_user):
    assert "兑券" in login(provider).get(reverse("core:home")).content.decode()
    page = login(reviewer_user).get(reverse("core:home")).content.decode()
    assert "兑券审核" in page

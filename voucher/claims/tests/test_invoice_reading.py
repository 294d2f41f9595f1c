"""The invoice of a claim is read at upload, pre-fills the claim data, and corrections are recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from voucher.claims import services
from voucher.claims.choices import MaterialKind
from voucher.claims.models import MaterialReading
from voucher.claims.prechecks import invoice_reading
from voucher.core.models import AuditEvent
from voucher.testing import invoices as samples
from voucher.testing.claims import fill, scanned_pdf

pytestmark = pytest.mark.django_db


def _upload(claim, provider, name, data):
    return services.claim_material_upload(
        actor=provider, claim=claim, kind=MaterialKind.INVOICE, file=samples.upload_file(name, data)
    )


@pytest.mark.parametrize(
    ("name", "build", "source"),
    [
        ("发票.xml", samples.invoice_xml, "xml"),
        ("发票.ofd", samples.invoice_ofd_tagged, "ofd"),
        ("发票.pdf", samples.invoice_pdf, "pdf"),
    ],
)
def test_invoice_upload_stores_the_reading(claim, provider, name, build, source):
    sample = samples.sample_for(claim)
    material = _upload(claim, provider, name, build(sample))
    reading = MaterialReading.objects.get(material=material)
    assert reading.readable and reading.source == source
    assert reading.invoice_number == sample.number
    assert reading.buyer_tax_id == claim.enterprise.uscc
    assert reading.seller_tax_id == claim.provider.uscc
    assert reading.total == claim.contract.total_amount
    assert reading.issue_date == claim.contract.signed_on + dt.timedelta(days=1)
    assert material.page_count is (None if source != "pdf" else 1)


def test_invoice_upload_of_unreadable_file_is_not_an_error(claim, provider):
    material = _upload(claim, provider, "发票.pdf", scanned_pdf())
    reading = MaterialReading.objects.get(material=material)
    assert not reading.readable
    assert reading.reason


def test_invoice_hostile_xml_upload_is_kept_as_unreadable(claim, provider):
    material = _upload(claim, provider, "发票.xml", samples.billion_laughs())
    assert not MaterialReading.objects.get(material=material).readable


def test_invoice_zip_bomb_ofd_upload_is_refused(claim, provider):
    with pytest.raises(ValidationError):
        _upload(claim, provider, "发票.ofd", samples.zip_bomb())


def test_invoice_xml_and_ofd_only_in_the_invoice_slot(claim, provider):
    with pytest.raises(ValidationError):
        services.claim_material_upload(
            actor=provider,
            claim=claim,
            kind=MaterialKind.CONTRACT,
            file=samples.upload_file("合同.xml", samples.invoice_xml()),
        )


def test_invoice_reading_prefills_the_claim_data_form(client, claim, provider):
    sample = samples.sample_for(claim)
    _upload(claim, provider, "发票.xml", samples.invoice_xml(sample))
    client.force_login(provider)
    page = client.get(reverse("claims:data", args=[claim.order.number]))
    form = page.context["form"]
    assert form.initial["invoice_number"] == sample.number
    assert form.initial["invoice_amount"] == Decimal(sample.total)
    assert form.initial["invoice_date"] == claim.contract.signed_on + dt.timedelta(days=1)
    assert "已按发票识别结果预填" in page.content.decode()


def test_invoice_correction_is_recorded_and_shown_to_the_reviewer(client, claim, provider, reviewer_user):
    sample = samples.sample_for(claim)
    filled = fill(claim, provider, invoice_number=sample.number)
    _upload(filled, provider, "发票.xml", samples.invoice_xml(sample))
    data = services.ClaimData(
        invoice_number=sample.number,
        invoice_date=claim.contract.signed_on + dt.timedelta(days=1),
        invoice_amount=Decimal("99999.00"),
        receipt_date=claim.contract.signed_on + dt.timedelta(days=2),
        receipt_amount=claim.contract.own_payment,
    )
    services.claim_update_data(actor=provider, claim=filled, data=data)
    reading = invoice_reading(filled)
    assert reading is not None
    assert set(reading.corrections) == {"total"}
    assert reading.corrections["total"]["read"] == "100000.00"
    assert reading.corrections["total"]["entered"] == "99999.00"
    assert AuditEvent.objects.filter(action="claim.invoice_reading_corrected").count() == 1
    # Saving the same values again records nothing new; putting the read value back clears the correction.
    services.claim_update_data(actor=provider, claim=filled, data=data)
    assert AuditEvent.objects.filter(action="claim.invoice_reading_corrected").count() == 1
    client.force_login(reviewer_user)
    page = client.get(reverse("claims:detail", args=[claim.order.number])).content.decode()
    assert "发票识别结果" in page and "服务商更正为 99999.00" in page
    services.claim_update_data(
        actor=provider,
        claim=filled,
        data=services.ClaimData(**{**data.__dict__, "invoice_amount": claim.contract.total_amount}),
    )
    reading.refresh_from_db()
    assert reading.corrections == {}


def test_invoice_xml_is_downloaded_not_rendered_inline(client, claim, provider):
    material = _upload(claim, provider, "发票.xml", samples.invoice_xml(samples.sample_for(claim)))
    client.force_login(provider)
    response = client.get(reverse("claims:preview", args=[material.pk]))
    assert response["Content-Disposition"].startswith("attachment")


def test_invoice_reading_is_in_the_api_and_the_schema(client, claim, provider):
    sample = samples.sample_for(claim)
    client.force_login(provider)
    number = claim.order.number
    response = client.post(
        f"/api/v1/claims/{number}/materials",
        {
            "kind": MaterialKind.INVOICE,
            "file": samples.upload_file("发票.ofd", samples.invoice_ofd_attached(sample)),
        },
    )
    assert response.status_code == 201, response.content
    body = client.get(f"/api/v1/claims/{number}").json()
    reading = body["invoice_reading"]
    assert reading["readable"] is True and reading["source"] == "ofd"
    assert reading["invoice_number"] == sample.number
    assert reading["total"] == "100000.00"
    assert reading["buyer_tax_id"] == claim.enterprise.uscc
    assert reading["corrections"] == {}
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"InvoiceReadingOut", "InvoiceCorrectionOut"} <= set(schema)


def test_invoice_reviewer_page_shows_the_fields_beside_the_file(client, submitted, reviewer_user):
    client.force_login(reviewer_user)
    page = client.get(reverse("claims:detail", args=[submitted.order.number])).content.decode()
    reading = invoice_reading(submitted)
    assert reading is not None and reading.readable
    assert 'class="beside"' in page
    assert reading.invoice_number in page and submitted.provider.uscc in page
    assert "发票购买方为下单企业" in page

"""Saving the claim's invoice data unchanged changes nothing (issue 18: a save as shown must keep the record)."""

from __future__ import annotations

import pytest

from voucher.claims import services
from voucher.claims.models import Claim
from voucher.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_pages_claim_data_saved_unchanged_keeps_the_claim(filled, provider):
    stored = Claim.objects.get(pk=filled.pk)
    events = AuditEvent.objects.filter(action="claim.data_saved").count()
    data = services.ClaimData(
        invoice_number=stored.invoice_number,
        invoice_date=stored.invoice_date,
        invoice_amount=stored.invoice_amount,
        receipt_date=stored.receipt_date,
        receipt_amount=stored.receipt_amount,
        receipt_reference=stored.receipt_reference,
    )
    services.claim_update_data(actor=provider, claim=stored, data=data)
    again = Claim.objects.get(pk=filled.pk)
    assert (again.revision, again.updated_at) == (stored.revision, stored.updated_at)
    assert AuditEvent.objects.filter(action="claim.data_saved").count() == events
    changed = services.ClaimData(**{**data.__dict__, "receipt_reference": "HD-0001"})
    services.claim_update_data(actor=provider, claim=again, data=changed)
    assert Claim.objects.get(pk=filled.pk).revision == stored.revision + 1

"""Size re-declarations (E3): every declaration kept with its time; a changed outcome in the year is audited,
told to the Bureau, flagged on orders and claims, and may wait for the Bureau's confirmation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from voucher.claims.risk import risk_flags
from voucher.core import clock
from voucher.core.models import AuditEvent, Notification
from voucher.enterprises.models import QuotaAccount, SizeClassification
from voucher.enterprises.selectors import enterprise_eligibility
from voucher.enterprises.services import classification_review, enterprise_classify
from voucher.testing.enterprises import classify_small
from voucher.testing.payouts import approved_claim

LARGE = {"employees": 1200, "revenue_wan": Decimal("50000"), "assets_wan": Decimal("90000")}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def statement() -> SimpleUploadedFile:
    return SimpleUploadedFile("2024年度财务报表.pdf", PDF_BYTES, content_type="application/pdf")


def declare_large_then_small(user, programme, **small):
    with clock.frozen_at(dt.datetime(2025, 5, 10, 9, 0, tzinfo=clock.SHANGHAI)):
        first = classify_small(user, programme, **LARGE)
    with clock.frozen_at(dt.datetime(2025, 5, 12, 15, 30, tzinfo=clock.SHANGHAI)):
        second = classify_small(user, programme, **small)
    return first, second


def test_rules_redeclare_every_declaration_kept_with_its_time(verified_user, programme_2025) -> None:
    first, second = declare_large_then_small(verified_user, programme_2025)
    rows = list(SizeClassification.objects.filter(organisation=verified_user.organisation).order_by("pk"))
    assert [r.size for r in rows] == ["large", "small"]
    assert [clock.local(r.classified_at).date() for r in rows] == [dt.date(2025, 5, 10), dt.date(2025, 5, 12)]
    assert (second.previous, second.changes_outcome, second.is_current) == (first, True, True)
    first.refresh_from_db()
    assert not first.is_current


def test_rules_redeclare_changed_outcome_is_audited_and_told_to_the_bureau(
    verified_user, programme_2025, admin_user
) -> None:
    _, second = declare_large_then_small(verified_user, programme_2025)
    event = AuditEvent.objects.get(action="classification.redeclared", object_id=str(second.pk))
    assert "大型" in event.note and "小型" in event.note
    note = Notification.objects.get(recipient=admin_user, kind="classification_redeclared")
    assert verified_user.organisation.name in note.title and "大型" in note.body


def test_rules_redeclare_same_outcome_is_not_flagged(verified_user, programme_2025, admin_user) -> None:
    classify_small(verified_user, programme_2025)
    again = classify_small(verified_user, programme_2025, employees=50)
    assert not again.changes_outcome
    assert not AuditEvent.objects.filter(action="classification.redeclared").exists()
    assert not Notification.objects.filter(kind="classification_redeclared").exists()


def test_rules_redeclare_flag_on_the_enterprises_claims_and_orders(programme_2025, admin_user) -> None:
    claim = approved_claim(programme_2025)
    assert "size_redeclared" not in {f.code for f in risk_flags(claim)}
    buyer = claim.enterprise.members.get()
    enterprise_classify(
        actor=buyer, organisation=claim.enterprise, programme=programme_2025, industry_code="I6513", **LARGE
    )
    flag = next(f for f in risk_flags(claim) if f.code == "size_redeclared")
    assert "小型（符合领券条件） → 大型（不符合领券条件）" in flag.detail

    admin = Client()
    admin.force_login(admin_user)
    page = admin.get(reverse("orders:detail", args=[claim.order.number])).content.decode()
    assert "风险提示：企业年度内变更划型结果" in page and "大型（不符合领券条件）" in page
    own = Client()
    own.force_login(buyer)
    assert "风险提示" not in own.get(reverse("orders:detail", args=[claim.order.number])).content.decode()


@pytest.fixture
def needs_evidence(programme_2025):
    programme_2025.redeclaration_needs_evidence = True
    programme_2025.save()
    return programme_2025


def test_rules_redeclare_setting_requires_a_statement(verified_user, needs_evidence) -> None:
    with clock.frozen_at(dt.date(2025, 5, 10)):
        classify_small(verified_user, needs_evidence, **LARGE)
    with pytest.raises(ValidationError) as exc:
        classify_small(verified_user, needs_evidence)
    assert [e.code for e in exc.value.error_dict["evidence"]] == ["evidence_required"]
    assert SizeClassification.objects.filter(organisation=verified_user.organisation).count() == 1


def test_rules_redeclare_waits_for_the_bureau_then_takes_effect(
    verified_user, needs_evidence, admin_user
) -> None:
    organisation = verified_user.organisation
    with clock.frozen_at(dt.date(2025, 5, 10)):
        large = classify_small(verified_user, needs_evidence, **LARGE)
    pending = classify_small(verified_user, needs_evidence, evidence=statement())
    assert (pending.is_current, pending.review_status, pending.evidence_name) == (
        False,
        "pending",
        "2024年度财务报表.pdf",
    )
    large.refresh_from_db()
    assert large.is_current
    assert not QuotaAccount.objects.filter(organisation=organisation).exists()
    assert not enterprise_eligibility(organisation=organisation, programme=needs_evidence)
    assert Notification.objects.filter(recipient=admin_user, kind="classification_redeclared").exists()

    with pytest.raises(PermissionDenied):
        classification_review(actor=verified_user, classification=pending, confirm=True)
    classification_review(actor=admin_user, classification=pending, confirm=True, note="财务报表与申报一致")
    pending.refresh_from_db()
    large.refresh_from_db()
    assert (pending.is_current, pending.review_status, large.is_current) == (True, "confirmed", False)
    assert QuotaAccount.objects.filter(organisation=organisation, programme=needs_evidence).exists()
    assert enterprise_eligibility(organisation=organisation, programme=needs_evidence)
    assert AuditEvent.objects.filter(action="classification.reviewed", object_id=str(pending.pk)).exists()


def test_rules_redeclare_rejected_keeps_the_earlier_classification(
    verified_user, needs_evidence, admin_user
) -> None:
    with clock.frozen_at(dt.date(2025, 5, 10)):
        large = classify_small(verified_user, needs_evidence, **LARGE)
    pending = classify_small(verified_user, needs_evidence, evidence=statement())
    with pytest.raises(ValidationError):
        classification_review(actor=admin_user, classification=pending, confirm=False)
    classification_review(
        actor=admin_user, classification=pending, confirm=False, note="报表显示营业收入5亿元"
    )
    pending.refresh_from_db()
    large.refresh_from_db()
    assert (pending.is_current, pending.review_status, large.is_current) == (False, "rejected", True)
    assert Notification.objects.filter(recipient=verified_user, kind="classification_rejected").exists()


def test_rules_redeclare_pages(verified_user, needs_evidence, admin_user) -> None:
    with clock.frozen_at(dt.date(2025, 5, 10)):
        classify_small(verified_user, needs_evidence, **LARGE)
    client = Client()
    client.force_login(verified_user)
    form = {
        "industry_code": "C1391",
        "employees": "45",
        "revenue_wan": "3800",
        "assets_wan": "2600",
        "confirm": "on",
    }
    response = client.post(reverse("enterprises:classify"), form)
    assert response.status_code == 200 and "须上传证明材料" in response.content.decode()
    response = client.post(reverse("enterprises:classify"), {**form, "evidence": statement()})
    assert response.status_code == 302
    pending = SizeClassification.objects.get(review_status="pending")

    admin = Client()
    admin.force_login(admin_user)
    detail = reverse("enterprises:detail", args=[verified_user.organisation.pk])
    page = admin.get(detail).content.decode()
    assert "划型申报记录" in page and "待市经信局确认" in page and "2024年度财务报表.pdf" in page
    url = reverse("enterprises:classification_review", args=[verified_user.organisation.pk, pending.pk])
    assert client.post(url, {"decision": "confirm"}).status_code in (302, 403)
    pending.refresh_from_db()
    assert pending.review_status == "pending"
    assert admin.post(url, {"decision": "confirm", "note": "已核对"}).status_code == 302
    pending.refresh_from_db()
    assert pending.is_current and pending.review_status == "confirmed"

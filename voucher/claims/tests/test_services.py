"""R1–R6 through the services: the claim period, R3 dates, invoice uniqueness, typed slots, submission,
waivers, the sweeper and reviewer decisions with the quota ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from voucher.claims import services
from voucher.claims.choices import ClaimStatus, MaterialKind
from voucher.claims.models import Claim, ClaimMaterial
from voucher.contracts import services as contract_services
from voucher.core import clock
from voucher.core.models import AuditEvent
from voucher.enterprises.models import QuotaAccount
from voucher.testing.builders import make_product
from voucher.testing.claims import CLAIM_DAY, fill, image_file, pdf_file
from voucher.testing.contracts import place_and_accept, terms

pytestmark = pytest.mark.django_db


def code_of(exc: ValidationError, field: str = "__all__") -> str:
    return exc.error_dict[field][0].code


def account_of(claim):
    return QuotaAccount.objects.get(organisation_id=claim.enterprise_id, programme_id=claim.programme_id)


def assert_ledger_consistent(account):
    """available = cap − reserved − committed − paid, and the buckets equal what the records imply."""
    from voucher.contracts.models import Contract
    from voucher.orders.choices import OrderStatus
    from voucher.orders.models import Order

    account.refresh_from_db()
    assert account.available == account.cap - account.reserved - account.committed - account.paid
    org, year = account.organisation_id, account.programme_id
    reserved = sum(
        (
            o.subsidy_estimate
            for o in Order.objects.filter(enterprise_id=org, programme_id=year, status=OrderStatus.PLACED)
        ),
        Decimal("0"),
    ) + sum(
        (
            o.subsidy_estimate
            for o in Order.objects.filter(
                enterprise_id=org, programme_id=year, status=OrderStatus.ACCEPTED, contract__isnull=True
            )
        ),
        Decimal("0"),
    )
    from voucher.payouts.models import PayoutItem

    contracts = Contract.objects.filter(enterprise_id=org, programme_id=year)
    paid_claims = set(PayoutItem.objects.filter(status="paid").values_list("claim_id", flat=True))
    # Committed: unsettled deductions, and approved payouts not yet paid by a payout batch (R6, R7).
    committed = sum(
        (c.deduction for c in contracts if not hasattr(c, "claim") or c.claim.quota_settled_at is None),
        Decimal("0"),
    ) + sum(
        (
            c.claim.approved_payout
            for c in contracts
            if hasattr(c, "claim") and c.claim.approved_payout and c.claim.pk not in paid_claims
        ),
        Decimal("0"),
    )
    paid = sum(
        (c.claim.approved_payout for c in contracts if hasattr(c, "claim") and c.claim.pk in paid_claims),
        Decimal("0"),
    )
    assert (account.reserved, account.committed, account.paid) == (reserved, committed, paid)


# --- R1: the claim period ----------------------------------------------------------------------------


def test_r1_claim_refused_after_the_deadline_with_the_date(contract, provider):
    deadline = services.claim_window(contract).deadline
    assert deadline == dt.date(2025, 9, 14)  # service end 8-31 + 2 weeks
    with clock.frozen_at(deadline + dt.timedelta(days=1)), pytest.raises(ValidationError) as info:
        services.claim_start(actor=provider, contract=contract)
    assert code_of(info.value) == "claim_period_over"
    assert "2025-09-14" in info.value.messages[0]


def test_r1_never_after_the_programme_final_date(order, buyer, provider, on_order_day):
    recorded = contract_services.contract_record(
        actor=provider, order=order, terms=terms()
    )  # ends 2026-06-30
    contract_services.contract_confirm(actor=buyer, contract=recorded)
    assert services.claim_window(recorded).deadline == order.programme.claim_final_date
    with (
        clock.frozen_at(order.programme.claim_final_date + dt.timedelta(days=1)),
        pytest.raises(ValidationError),
    ):
        services.claim_start(actor=provider, contract=recorded)


def test_r1_claim_open_on_the_deadline_day(contract, provider):
    with clock.frozen_at(services.claim_window(contract).deadline):
        assert services.claim_start(actor=provider, contract=contract).status == ClaimStatus.DRAFT


def test_r1_submission_after_the_deadline_refused(filled, provider):
    with clock.frozen_at(filled.deadline + dt.timedelta(days=1)), pytest.raises(ValidationError) as info:
        services.claim_submit(actor=provider, claim=filled, confirmed=True)
    assert code_of(info.value) == "claim_period_over"


def test_claim_needs_a_contract_confirmed_by_both_parties(order, provider, on_order_day):
    recorded = contract_services.contract_record(actor=provider, order=order, terms=terms())
    with pytest.raises(ValidationError) as info:
        services.claim_start(actor=provider, contract=recorded)
    assert code_of(info.value) == "contract_not_confirmed"


def test_only_the_provider_of_the_order_files(contract, buyer, on_claim_day):
    from voucher.testing.factories import UserFactory

    for outsider in (buyer, UserFactory(provider=True)):
        with pytest.raises(PermissionDenied):
            services.claim_start(actor=outsider, contract=contract)


# --- R3: dates and invoice number ---------------------------------------------------------------------


def test_r3_invoice_and_receipt_dates_before_the_contract_refused(claim, provider):
    early = claim.contract.signed_on - dt.timedelta(days=1)
    data = services.ClaimData("FP1", early, Decimal("100000.00"), early, Decimal("70000.00"))
    with pytest.raises(ValidationError) as info:
        services.claim_update_data(actor=provider, claim=claim, data=data)
    assert code_of(info.value, "invoice_date") == "date_before_contract"
    assert code_of(info.value, "receipt_date") == "date_before_contract"
    claim.refresh_from_db()
    assert claim.invoice_number == ""


def test_r3_duplicate_invoice_number_refused_even_written_differently(claim, provider, buyer, another_buyer):
    fill(claim, provider, invoice_number="No.0123 4567")
    with clock.frozen_at(CLAIM_DAY - dt.timedelta(days=14)):
        other_order = place_and_accept(
            another_buyer, make_product(claim.programme, provider=provider), provider
        )
        recorded = contract_services.contract_record(actor=provider, order=other_order, terms=terms())
        contract_services.contract_confirm(actor=another_buyer, contract=recorded)
    second = services.claim_start(actor=provider, contract=recorded)
    data = services.ClaimData(
        "no-01234567", dt.date(2025, 7, 2), Decimal("1.00"), dt.date(2025, 7, 2), Decimal("1.00")
    )
    with pytest.raises(ValidationError) as info:
        services.claim_update_data(actor=provider, claim=second, data=data)
    assert code_of(info.value, "invoice_number") == "invoice_number_taken"
    # The database refuses it too (a normalised unique constraint), whatever path writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=second.pk).update(invoice_number_normalised="NO01234567")


# --- R2: typed slots ----------------------------------------------------------------------------------


def test_r2_replacing_a_file_keeps_the_old_one_superseded_and_audited(claim, provider):
    first = services.claim_material_upload(
        actor=provider, claim=claim, kind=MaterialKind.INVOICE, file=pdf_file("旧.pdf")
    )
    second = services.claim_material_upload(
        actor=provider, claim=claim, kind=MaterialKind.INVOICE, file=pdf_file("新.pdf")
    )
    first.refresh_from_db()
    assert first.superseded_at is not None and first.superseded_by_id == second.pk
    assert first.file.storage.exists(first.file.name)
    assert list(claim.materials.filter(kind=MaterialKind.INVOICE, superseded_at__isnull=True)) == [second]
    assert AuditEvent.objects.filter(action="claim.material_replaced", object_id=str(claim.pk)).count() == 1


def test_r2_other_may_hold_several_files(claim, provider):
    for name in ("a.png", "b.png"):
        services.claim_material_upload(
            actor=provider, claim=claim, kind=MaterialKind.OTHER, file=image_file(name)
        )
    assert claim.materials.filter(kind=MaterialKind.OTHER, superseded_at__isnull=True).count() == 2


def test_r2_database_allows_one_current_file_per_type(claim, provider):
    m = services.claim_material_upload(
        actor=provider, claim=claim, kind=MaterialKind.INVOICE, file=pdf_file()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimMaterial.objects.create(
            claim=claim,
            kind=MaterialKind.INVOICE,
            file=m.file.name,
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=provider,
            uploaded_at=clock.now(),
        )


@pytest.mark.parametrize(
    ("kind", "upload", "code"),
    [
        (MaterialKind.INVOICE, lambda: image_file("发票.png"), None),  # invoice must be a PDF
        (MaterialKind.CONTRACT, lambda: pdf_file("合同.pdf", data=b"%PDF-1.4\n garbage"), "pdf_unreadable"),
        (MaterialKind.BANK_RECEIPT, lambda: pdf_file("回单.pdf", data=b"MZ\x90\x00"), None),
        (MaterialKind.BANK_RECEIPT, lambda: image_file("回单.pdf"), None),  # extension does not match content
    ],
)
def test_r2_files_are_checked_by_content(claim, provider, kind, upload, code):
    with pytest.raises(ValidationError) as info:
        services.claim_material_upload(actor=provider, claim=claim, kind=kind, file=upload())
    if code:
        assert code_of(info.value, "file") == code
    assert not claim.materials.exists()


def test_r2_encrypted_pdf_refused(claim, provider):
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ValidationError) as info:
        services.claim_material_upload(
            actor=provider,
            claim=claim,
            kind=MaterialKind.INVOICE,
            file=pdf_file("加密.pdf", data=buffer.getvalue()),
        )
    assert code_of(info.value, "file") == "pdf_encrypted"


def test_r2_industry_proof_only_for_digital_marketing(claim, provider):
    with pytest.raises(ValidationError) as info:
        services.claim_material_upload(
            actor=provider, claim=claim, kind=MaterialKind.INDUSTRY_PROOF, file=pdf_file()
        )
    assert code_of(info.value, "kind") == "slot_not_applicable"


def test_r2_size_limit(claim, provider, settings):
    settings.VOUCHER_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError):
        services.claim_material_upload(
            actor=provider, claim=claim, kind=MaterialKind.INVOICE, file=pdf_file()
        )


# --- R4: irreversible submission ----------------------------------------------------------------------


def test_r4_submission_needs_explicit_confirmation(filled, provider):
    with pytest.raises(ValidationError) as info:
        services.claim_submit(actor=provider, claim=filled, confirmed=False)
    assert code_of(info.value, "confirm") == "confirmation_required"
    filled.refresh_from_db()
    assert filled.status == ClaimStatus.DRAFT


def test_r4_submission_refused_when_the_claim_changed_since_the_confirmation_page(filled, provider):
    shown = filled.revision
    services.claim_material_upload(actor=provider, claim=filled, kind=MaterialKind.OTHER, file=image_file())
    with pytest.raises(ValidationError) as info:
        services.claim_submit(actor=provider, claim=filled, confirmed=True, revision=shown)
    assert code_of(info.value, "revision") == "claim_changed"


def test_r4_incomplete_claim_cannot_be_submitted(claim, provider):
    with pytest.raises(ValidationError) as info:
        services.claim_submit(actor=provider, claim=claim, confirmed=True)
    assert code_of(info.value) == "claim_incomplete"


def test_r4_after_submission_nothing_changes_and_the_contract_is_locked(submitted, provider):
    assert submitted.status == ClaimStatus.SUBMITTED
    assert submitted.prechecks.count() == 14
    contract = submitted.contract
    contract.refresh_from_db()
    assert contract.claim_locked_at is not None
    with pytest.raises(PermissionDenied):
        services.claim_material_upload(
            actor=provider, claim=submitted, kind=MaterialKind.OTHER, file=image_file()
        )
    with pytest.raises(PermissionDenied):
        services.claim_update_data(
            actor=provider,
            claim=submitted,
            data=services.ClaimData("X1", dt.date(2025, 7, 2), Decimal(1), dt.date(2025, 7, 2), Decimal(1)),
        )
    with pytest.raises(PermissionDenied):
        services.claim_submit(actor=provider, claim=submitted, confirmed=True)
    with pytest.raises(PermissionDenied):
        contract_services.contract_amend(actor=provider, contract=contract, terms=terms(), reason="改")


# --- R6: decisions and the quota ledger ---------------------------------------------------------------


def test_r6_approve_full_payout_keeps_it_committed_until_paid(submitted, reviewer_user):
    account = account_of(submitted)
    before = account.available
    claim = services.claim_decide(actor=reviewer_user, claim=submitted, action="approve", payout="30000.00")
    assert claim.status == ClaimStatus.APPROVED and claim.approved_payout == Decimal("30000.00")
    assert claim.credit_check is not None and claim.credit_check.context == "claim_review"
    account.refresh_from_db()
    # R7: the payout batch moves it to paid when the payment is recorded.
    assert account.paid == 0 and account.committed == Decimal("30000.00") and account.available == before
    assert_ledger_consistent(account)


def test_r6_reduced_payout_needs_a_reason_and_releases_the_rest(submitted, reviewer_user):
    with pytest.raises(ValidationError) as info:
        services.claim_decide(actor=reviewer_user, claim=submitted, action="approve", payout="20000.00")
    assert code_of(info.value, "reason") == "reason_required"
    account = account_of(submitted)
    before = account.available
    services.claim_decide(
        actor=reviewer_user, claim=submitted, action="approve", payout="20000.00", reason="部分服务未提供"
    )
    account.refresh_from_db()
    assert account.paid == 0 and account.committed == Decimal("20000.00")
    assert account.available == before + Decimal("10000.00")
    assert_ledger_consistent(account)


def test_r6_payout_above_the_deduction_refused(submitted, reviewer_user):
    with pytest.raises(ValidationError) as info:
        services.claim_decide(
            actor=reviewer_user, claim=submitted, action="approve", payout="30000.01", reason="x"
        )
    assert code_of(info.value, "payout") == "payout_above_deduction"
    assert_ledger_consistent(account_of(submitted))


def test_r6_void_releases_the_commitment(submitted, reviewer_user):
    with pytest.raises(ValidationError):
        services.claim_decide(actor=reviewer_user, claim=submitted, action="void")
    account = account_of(submitted)
    before = account.available
    claim = services.claim_decide(actor=reviewer_user, claim=submitted, action="void", reason="企业资格不符")
    assert claim.status == ClaimStatus.VOIDED
    account.refresh_from_db()
    assert account.available == before + Decimal("30000.00") and account.paid == 0
    assert_ledger_consistent(account)


def test_r6_return_once_within_the_period_then_resubmit(submitted, reviewer_user, provider):
    claim = services.claim_decide(
        actor=reviewer_user, claim=submitted, action="return", reason="请补充盖章合同"
    )
    assert claim.status == ClaimStatus.RETURNED
    assert_ledger_consistent(account_of(claim))
    services.claim_material_upload(actor=provider, claim=claim, kind=MaterialKind.OTHER, file=image_file())
    claim = services.claim_submit(actor=provider, claim=claim, confirmed=True)
    with pytest.raises(ValidationError) as info:
        services.claim_decide(actor=reviewer_user, claim=claim, action="return", reason="再补充")
    assert code_of(info.value) == "already_returned"


def test_r6_return_refused_after_the_claim_period(submitted, reviewer_user):
    with clock.frozen_at(submitted.deadline + dt.timedelta(days=1)), pytest.raises(ValidationError) as info:
        services.claim_decide(actor=reviewer_user, claim=submitted, action="return", reason="补充")
    assert code_of(info.value) == "claim_period_over"


def test_r6_reviewer_of_the_providers_organisation_cannot_review(submitted, provider):
    from voucher.accounts.choices import Role
    from voucher.testing.factories import UserFactory

    insider = UserFactory(role=Role.REVIEWER, organisation=provider.organisation)
    with pytest.raises(PermissionDenied):
        services.claim_decide(actor=insider, claim=submitted, action="approve", payout="30000.00")


def test_r6_decision_notifies_provider_and_enterprise(submitted, reviewer_user, provider, buyer):
    from voucher.core.models import Notification

    services.claim_decide(actor=reviewer_user, claim=submitted, action="approve", payout="30000.00")
    kinds = set(Notification.objects.filter(kind="claim_approve").values_list("recipient_id", flat=True))
    assert {provider.pk, buyer.pk} <= kinds
    assert AuditEvent.objects.filter(action="claim.approve", object_id=str(submitted.pk)).exists()


def test_e4_failed_credit_check_blocks_approval(submitted, reviewer_user, admin_user):
    from voucher.enterprises.services import credit_list_entry_create

    credit_list_entry_create(
        actor=admin_user,
        uscc=submitted.enterprise.uscc,
        name="x",
        kind="dishonest_debtor",
        recorded_on=dt.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as info:
        services.claim_decide(actor=reviewer_user, claim=submitted, action="approve", payout="30000.00")
    assert code_of(info.value) == "credit_failed"
    submitted.refresh_from_db()
    assert submitted.credit_check is not None and submitted.credit_check.outcome == "fail"


# --- R5: waivers and the sweeper ----------------------------------------------------------------------


def test_r5_waiver_within_the_period_releases_the_commitment(contract, provider, on_claim_day):
    account = QuotaAccount.objects.get(
        organisation_id=contract.enterprise_id, programme_id=contract.programme_id
    )
    before = account.available
    claim = services.claim_waive(
        actor=provider, contract=contract, statement="自愿放弃", file=pdf_file("声明.pdf")
    )
    assert (
        claim.status == ClaimStatus.WAIVED
        and not claim.waived_automatically
        and claim.waiver_file_name == "声明.pdf"
    )
    stored = claim.waiver_file.name
    assert stored.startswith(f"claims/waivers/{provider.organisation_id}/") and stored.endswith(".pdf")
    assert "声明" not in stored  # stored under an opaque name; the user's name stays on the row
    account.refresh_from_db()
    assert account.available == before + contract.deduction
    assert_ledger_consistent(account)
    with pytest.raises(ValidationError):
        services.claim_waive(actor=provider, contract=contract, statement="再次")


def test_r5_waiver_after_the_period_refused(contract, provider):
    with (
        clock.frozen_at(services.claim_window(contract).deadline + dt.timedelta(days=1)),
        pytest.raises(ValidationError) as info,
    ):
        services.claim_waive(actor=provider, contract=contract, statement="放弃")
    assert code_of(info.value) == "claim_period_over"


def test_r5_sweeper_waives_unclaimed_contracts_once_and_is_idempotent(contract, claim, provider):
    account = account_of(claim)
    before = account.available
    deadline = services.claim_window(contract).deadline
    assert services.claims_sweep(today=deadline) == []
    waived = services.claims_sweep(today=deadline + dt.timedelta(days=1))
    assert [c.pk for c in waived] == [claim.pk]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.WAIVED and claim.waived_automatically
    assert services.claims_sweep(today=deadline + dt.timedelta(days=2)) == []
    account.refresh_from_db()
    assert account.available == before + contract.deduction
    assert_ledger_consistent(account)
    assert AuditEvent.objects.filter(action="claim.auto_waived").count() == 1


def test_r5_sweeper_creates_the_waived_record_when_no_claim_exists(contract):
    deadline = services.claim_window(contract).deadline
    waived = services.claims_sweep(today=deadline + dt.timedelta(days=1))
    assert len(waived) == 1 and waived[0].contract_id == contract.pk
    assert_ledger_consistent(account_of(waived[0]))


def test_r5_sweeper_leaves_submitted_claims_alone(submitted):
    assert services.claims_sweep(today=submitted.deadline + dt.timedelta(days=30)) == []
    submitted.refresh_from_db()
    assert submitted.status == ClaimStatus.SUBMITTED


def test_r5_sweep_command(contract, capsys):
    from django.core.management import call_command

    with clock.frozen_at(services.claim_window(contract).deadline + dt.timedelta(days=1)):
        call_command("claims_sweep")
        call_command("claims_sweep")
    out = capsys.readouterr().out
    assert "1 笔" in out and "0 笔" in out

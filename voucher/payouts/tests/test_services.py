"""R7 through the services: batching by filters, the notice and its objections, approval, the payment
file, payments and the quota ledger (committed → paid only when paid)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from voucher.core import clock
from voucher.core.models import AuditEvent
from voucher.enforcement.invariants import ledger_mismatches
from voucher.enterprises.models import QuotaAccount
from voucher.payouts import services
from voucher.payouts.choices import BatchStatus, ItemStatus
from voucher.payouts.export import TOTAL_LABEL
from voucher.payouts.models import PayoutBatch, PayoutItem
from voucher.payouts.selectors import BatchFilters, batch_preview
from voucher.testing.payouts import PUBLISH_DAY, approved_claim, batch_of

pytestmark = pytest.mark.django_db


def code_of(exc: ValidationError, field: str = "__all__") -> str:
    return exc.error_dict[field][0].code


def account_of(claim):
    return QuotaAccount.objects.get(organisation_id=claim.enterprise_id, programme_id=claim.programme_id)


def object_to(batch, items, text="该企业未实际接受服务"):
    with clock.frozen_at(batch.notice_starts_on):
        return services.payout_objection_file(
            actor=None,
            batch=batch,
            item_ids=[i.pk for i in items],
            name="举报人",
            contact="13900000000",
            text=text,
        )


# --- batching --------------------------------------------------------------------------------------


def test_r7_batch_total_equals_the_sum_of_its_claims(draft, claims):
    assert draft.status == BatchStatus.DRAFT and draft.number == "ZF2025-001"
    assert draft.item_count == 3
    assert draft.total_amount == sum((c.approved_payout for c in claims), Decimal("0")) == Decimal("75000.50")
    assert {i.amount for i in draft.items.all()} == {c.approved_payout for c in claims}
    assert AuditEvent.objects.filter(action="payout_batch.created", object_id=str(draft.pk)).exists()
    assert ledger_mismatches() == []


def test_r7_preview_and_filters_by_provider_direction_and_decision_date(claims, provider_b, programme_2025):
    everything = batch_preview(BatchFilters(programme_id=programme_2025.pk))
    assert (everything.count, everything.total) == (3, Decimal("75000.50"))
    only_b = batch_preview(
        BatchFilters(programme_id=programme_2025.pk, provider_id=provider_b.organisation_id)
    )
    assert (only_b.count, only_b.total) == (1, Decimal("20000.00"))
    other_direction = programme_2025.directions.exclude(code="industrial_design").first()
    assert (
        batch_preview(BatchFilters(programme_id=programme_2025.pk, direction_id=other_direction.pk)).count
        == 0
    )
    decided = claims[0].decided_at.date()
    later = BatchFilters(programme_id=programme_2025.pk, decided_from=decided + dt.timedelta(days=1))
    assert batch_preview(later).count == 0
    same_day = BatchFilters(programme_id=programme_2025.pk, decided_from=decided, decided_to=decided)
    assert batch_preview(same_day).count == 3


def test_r7_reversed_dates_and_nothing_to_batch_are_refused(claims, admin_user, programme_2025):
    with pytest.raises(ValidationError) as info:
        batch_of(admin_user, programme_2025, decided_from=dt.date(2025, 8, 2), decided_to=dt.date(2025, 8, 1))
    assert code_of(info.value, "decided_to") == "dates_reversed"
    batch_of(admin_user, programme_2025)
    with pytest.raises(ValidationError) as info:
        batch_of(admin_user, programme_2025)
    assert code_of(info.value) == "no_claims"


def test_r7_a_claim_is_in_at_most_one_live_batch_by_constraint(draft, claims):
    item = draft.items.first()
    other = PayoutBatch.objects.create(
        number="X-1",
        programme=draft.programme,
        title="x",
        created_at=clock.now(),
        created_by=draft.created_by,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutItem.objects.create(
            batch=other,
            claim=item.claim,
            provider=item.provider,
            enterprise=item.enterprise,
            amount=item.amount,
        )


def test_r7_removing_an_item_and_cancelling_a_draft_release_the_claims(draft, admin_user, programme_2025):
    item = draft.items.first()
    with pytest.raises(ValidationError) as info:
        services.payout_item_remove(actor=admin_user, item=item, reason="")
    assert code_of(info.value, "reason") == "reason_required"
    services.payout_item_remove(actor=admin_user, item=item, reason="材料待核")
    draft.refresh_from_db()
    assert draft.item_count == 2 and draft.total_amount == Decimal("75000.50") - item.amount
    services.payout_batch_cancel(actor=admin_user, batch=draft, reason="重新分批")
    draft.refresh_from_db()
    assert draft.status == BatchStatus.CANCELLED and draft.item_count == 0
    again = batch_of(admin_user, programme_2025)
    assert again.item_count == 3 and ledger_mismatches() == []


def test_r7_only_admins_batch(claims, provider_a, reviewer_user, programme_2025):
    for user in (provider_a, reviewer_user):
        with pytest.raises(PermissionDenied):
            batch_of(user, programme_2025)


# --- notice and objections ---------------------------------------------------------------------------


def test_r7_publish_sets_the_notice_period_from_the_programme(draft, admin_user, programme_2025):
    programme_2025.payout_notice_days = 7
    programme_2025.save(update_fields=["payout_notice_days"])
    with clock.frozen_at(PUBLISH_DAY):
        with pytest.raises(ValidationError) as info:
            services.payout_batch_publish(
                actor=admin_user, batch=draft, starts_on=PUBLISH_DAY - dt.timedelta(days=1)
            )
        assert code_of(info.value, "starts_on") == "start_in_past"
        batch = services.payout_batch_publish(actor=admin_user, batch=draft)
    assert batch.status == BatchStatus.NOTICED
    assert (batch.notice_starts_on, batch.notice_ends_on, batch.notice_days) == (
        PUBLISH_DAY,
        PUBLISH_DAY + dt.timedelta(days=7),
        7,
    )
    from voucher.core.models import Notification

    assert Notification.objects.filter(kind="payout.noticed").count() >= 2  # providers and enterprises


def test_r7_objection_blocks_its_item_and_approval(noticed, admin_user):
    item = noticed.items.first()
    objection = object_to(noticed, [item])
    item.refresh_from_db()
    assert item.status == ItemStatus.BLOCKED
    with clock.frozen_at(noticed.notice_ends_on + dt.timedelta(days=1)):
        with pytest.raises(PermissionDenied, match="未处理的异议"):
            services.payout_batch_approve(actor=admin_user, batch=noticed)
        services.payout_objection_resolve(
            actor=admin_user, objection=objection, action="dismiss", resolution="经核实服务已提供"
        )
        item.refresh_from_db()
        assert item.status == ItemStatus.PENDING
        batch = services.payout_batch_approve(actor=admin_user, batch=noticed)
    assert batch.status == BatchStatus.APPROVED and batch.item_count == 3


def test_r7_upheld_objection_removes_the_item_and_the_claim_can_be_batched_again(
    noticed, admin_user, programme_2025
):
    item = noticed.items.order_by("id").first()
    objection = object_to(noticed, [item])
    services.payout_objection_resolve(
        actor=admin_user, objection=objection, action="uphold", resolution="服务未提供"
    )
    item.refresh_from_db()
    noticed.refresh_from_db()
    assert item.status == ItemStatus.REMOVED and "公示异议成立" in item.removed_reason
    assert noticed.item_count == 2 and noticed.total_amount == Decimal("75000.50") - item.amount
    assert ledger_mismatches() == []
    assert batch_of(admin_user, programme_2025).item_count == 1  # the claim goes back to the pool


def test_r7_objection_only_during_the_period_about_the_batch_items(noticed, draft):
    item = noticed.items.first()
    with clock.frozen_at(noticed.notice_ends_on + dt.timedelta(days=1)), pytest.raises(PermissionDenied):
        services.payout_objection_file(
            actor=None, batch=noticed, item_ids=[item.pk], name="a", contact="b", text="c"
        )
    with clock.frozen_at(noticed.notice_starts_on), pytest.raises(ValidationError) as info:
        services.payout_objection_file(actor=None, batch=noticed, item_ids=[], name="", contact="b", text="c")
    assert set(info.value.message_dict) == {"items", "name"}


def test_r7_objection_file_is_checked_by_content(noticed):
    item = noticed.items.first()
    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with clock.frozen_at(noticed.notice_starts_on), pytest.raises(ValidationError) as info:
        services.payout_objection_file(
            actor=None, batch=noticed, item_ids=[item.pk], name="a", contact="b", text="c", file=fake
        )
    assert "可执行程序" in info.value.message_dict["file"][0]


def test_r7_approval_waits_for_the_end_of_the_notice(noticed, admin_user):
    with clock.frozen_at(noticed.notice_ends_on), pytest.raises(PermissionDenied, match="期满后"):
        services.payout_batch_approve(actor=admin_user, batch=noticed)


# --- payment file ------------------------------------------------------------------------------------


def test_r7_export_totals_row_equals_the_batch_total(approved, admin_user, after_notice, tmp_path, claims):
    path = tmp_path / "pay.xlsx"
    result = services.payout_batch_export(actor=admin_user, batch=approved, out=str(path))
    assert (result.rows, result.total) == (3, approved.total_amount)
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    body, totals = rows[2:-1], rows[-1]
    assert totals[0] == TOTAL_LABEL
    assert Decimal(str(totals[7])) == approved.total_amount == sum(Decimal(str(r[7])) for r in body)
    assert {r[8] for r in body} == {c.order.number for c in claims}
    assert all(r[3] and r[6] for r in body)  # bank name and account number of every payee
    approved.refresh_from_db()
    assert approved.status == BatchStatus.EXPORTED and approved.export_count == 1
    assert AuditEvent.objects.filter(action="payout_batch.exported", object_id=str(approved.pk)).exists()


def test_r7_export_refused_while_a_payee_account_is_missing(claims, admin_user, programme_2025, tmp_path):
    from voucher.testing.payouts import batch_approved

    batch = batch_approved(admin_user, programme_2025, on=PUBLISH_DAY)
    with pytest.raises(ValidationError) as info:
        services.payout_batch_export(actor=admin_user, batch=batch, out=str(tmp_path / "x.xlsx"))
    assert code_of(info.value) == "payee_missing"
    assert claims[0].provider.name in info.value.messages[0]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED


# --- payments and the ledger -------------------------------------------------------------------------


def test_r7_mark_paid_moves_committed_to_paid(exported, admin_user, after_notice, claims):
    accounts = {c.pk: account_of(c) for c in claims}
    before = {pk: (a.committed, a.paid, a.available) for pk, a in accounts.items()}
    services.payout_mark_paid(actor=admin_user, batch=exported, reference="BANK-0001", paid_on=clock.today())
    exported.refresh_from_db()
    assert exported.status == BatchStatus.PAID and exported.paid_at is not None
    for claim in claims:
        account = account_of(claim)
        committed, paid, available = before[claim.pk]
        assert account.committed == committed - claim.approved_payout
        assert account.paid == paid + claim.approved_payout
        assert account.available == available
    assert ledger_mismatches() == []
    assert set(exported.items.values_list("payment_reference", flat=True)) == {"BANK-0001"}


def test_r7_paying_item_by_item_goes_through_partly_paid(exported, admin_user, after_notice):
    first, *rest = list(exported.items.order_by("id"))
    services.payout_mark_paid(
        actor=admin_user, batch=exported, reference="B-1", paid_on=clock.today(), item_ids=[first.pk]
    )
    exported.refresh_from_db()
    assert exported.status == BatchStatus.PARTLY_PAID
    assert ledger_mismatches() == []
    with pytest.raises(ValidationError) as info:
        services.payout_mark_paid(
            actor=admin_user, batch=exported, reference="B-1", paid_on=clock.today(), item_ids=[first.pk]
        )
    assert code_of(info.value, "items") == "not_payable"
    services.payout_mark_paid(
        actor=admin_user,
        batch=exported,
        reference="B-2",
        paid_on=clock.today(),
        item_ids=[i.pk for i in rest],
    )
    exported.refresh_from_db()
    assert exported.status == BatchStatus.PAID


def test_r7_mark_paid_needs_reference_and_a_date_not_in_the_future(exported, admin_user, after_notice):
    with pytest.raises(ValidationError) as info:
        services.payout_mark_paid(
            actor=admin_user, batch=exported, reference="", paid_on=clock.today() + dt.timedelta(days=1)
        )
    assert code_of(info.value, "reference") == "required"
    assert code_of(info.value, "paid_on") == "date_in_future"


def test_r7_a_failure_after_the_first_item_leaves_nothing_paid(
    exported, admin_user, after_notice, monkeypatch, claims
):
    """Fault injection: the ledger service fails on the second item; the first item's move is rolled back."""
    real = services.disbursement.quota_pay
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["reference"])
        if len(calls) == 2:
            raise RuntimeError("bank interface down")
        return real(**kwargs)

    monkeypatch.setattr(services.disbursement, "quota_pay", failing)
    before = {c.pk: (account_of(c).committed, account_of(c).paid) for c in claims}
    with pytest.raises(RuntimeError):
        services.payout_mark_paid(actor=admin_user, batch=exported, reference="B-9", paid_on=clock.today())
    assert len(calls) == 2
    assert not PayoutItem.objects.filter(status=ItemStatus.PAID).exists()
    assert {c.pk: (account_of(c).committed, account_of(c).paid) for c in claims} == before
    exported.refresh_from_db()
    assert exported.status == BatchStatus.EXPORTED
    assert ledger_mismatches() == []


def test_r7_ledger_check_reports_a_tampered_batch_total_and_paid_item(exported, admin_user, after_notice):
    services.payout_mark_paid(actor=admin_user, batch=exported, reference="B-1", paid_on=clock.today())
    PayoutBatch.objects.filter(pk=exported.pk).update(total_amount=Decimal("1.00"))
    item = exported.items.first()
    PayoutItem.objects.filter(pk=item.pk).update(amount=item.amount - Decimal("1.00"))
    rules = sorted(m.rule for m in ledger_mismatches())
    assert "total_amount = 明细金额合计" in rules
    assert "已支付金额 = 兑券申请的核定兑付金额（审核通过）" in rules
    assert "paid" in rules


def test_r7_payee_account_checked_and_audited(provider_a, provider_b):
    with pytest.raises(ValidationError) as info:
        services.payee_account_save(
            actor=provider_a,
            organisation=provider_a.organisation,
            account_name="",
            bank_name="",
            account_number="12ab",
        )
    assert set(info.value.message_dict) == {"bank_name", "account_number"}
    with pytest.raises(PermissionDenied):
        services.payee_account_save(
            actor=provider_b,
            organisation=provider_a.organisation,
            account_name="",
            bank_name="银行",
            account_number="123456789",
        )
    account = services.payee_account_save(
        actor=provider_a,
        organisation=provider_a.organisation,
        account_name="",
        bank_name="银行",
        account_number="1234 5678 90",
    )
    assert account.account_name == provider_a.organisation.name and account.account_number == "1234567890"
    assert AuditEvent.objects.filter(action="payee.saved").exists()


def test_r7_approved_claims_keep_their_payout_committed_until_paid(programme_2025, provider_a):
    claim = approved_claim(programme_2025, provider=provider_a, payout=Decimal("10000.00"))
    account = account_of(claim)
    assert account.paid == 0 and account.committed == Decimal("10000.00")
    assert ledger_mismatches() == []

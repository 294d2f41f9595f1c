"""Disbursement (SPEC R7): approving a batch after its notice, the payment file, and recording payments.

Quota ledger: a claim's approved payout stays committed on the enterprise's account until a batch marks
its item paid, which moves it committed → paid with :func:`quota_pay` in the same transaction as the
item, so a failure part-way leaves nothing paid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from voucher.accounts.models import Organisation
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import refuse
from voucher.core.money import format_cny
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.services import quota_pay
from voucher.payouts import permissions
from voucher.payouts.choices import (
    LIVE_ITEM_STATUSES,
    BatchAction,
    BatchStatus,
    ItemAction,
    ItemStatus,
)
from voucher.payouts.export import ExportResult, write_payment_file
from voucher.payouts.models import PayoutBatch, PayoutItem
from voucher.payouts.services.common import BATCH_AUDIT_FIELDS, ITEM_AUDIT_FIELDS, _lock, _notify_parties
from voucher.payouts.transitions import ITEM, transition


@transaction.atomic
def payout_batch_approve(*, actor: Any, batch: PayoutBatch) -> PayoutBatch:
    """After the notice period, with no open objection, the Bureau approves the batch for disbursement."""
    locked = _lock(batch)
    permissions.can_approve_batch(actor, locked, clock.today()).enforce()
    new_status = transition(locked.status, BatchAction.APPROVE)
    before = snapshot(locked, BATCH_AUDIT_FIELDS)
    locked.status = new_status
    locked.approved_at = clock.now()
    locked.approved_by = actor
    locked.save(update_fields=["status", "approved_at", "approved_by"])
    audit_record(
        actor=actor,
        action="payout_batch.approved",
        obj=locked,
        before=before,
        after=snapshot(locked, BATCH_AUDIT_FIELDS),
    )
    return locked


def missing_payees(batch: PayoutBatch) -> list[str]:
    """Providers in the batch without a payee account (the payment file cannot name where to pay): for a
    draft, without an account now; for a published batch, without one copied into their items."""
    if batch.status == BatchStatus.DRAFT:
        lacking = Q(payout_items__batch=batch, payee_account__isnull=True)
    else:
        lacking = Q(payout_items__batch=batch, payout_items__payee_account_number="")
    return list(
        Organisation.objects.filter(lacking, payout_items__status__in=LIVE_ITEM_STATUSES)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)
    )


@transaction.atomic
def payout_batch_export(
    *,
    actor: Any,
    batch: PayoutBatch,
    out: IO[bytes] | str,
    progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write the payment file to ``out`` (streamed, constant memory); audited; the batch becomes 已导出.
    Refused while a provider in the batch has no payee account, naming them. ``progress(done, total)``
    is told as rows are written."""
    locked = _lock(batch)
    permissions.can_export_batch(actor, locked).enforce()
    new_status = transition(locked.status, BatchAction.EXPORT)
    missing = missing_payees(locked)
    if missing:
        raise refuse("payee_missing", f"以下服务商尚未登记收款账户，不能导出支付文件：{'、'.join(missing)}。")
    result = write_payment_file(locked, out, progress)
    if result.rows != locked.item_count or result.total != locked.total_amount:
        raise refuse(
            "totals_mismatch",
            f"支付文件合计（{result.rows} 笔 {format_cny(result.total)}）与批次合计"
            f"（{locked.item_count} 笔 {format_cny(locked.total_amount)}）不一致，已停止导出。",
        )
    before = snapshot(locked, BATCH_AUDIT_FIELDS)
    locked.status = new_status
    locked.exported_at = clock.now()
    locked.export_count += 1
    locked.save(update_fields=["status", "exported_at", "export_count"])
    audit_record(
        actor=actor,
        action="payout_batch.exported",
        obj=locked,
        before=before,
        after={**snapshot(locked, BATCH_AUDIT_FIELDS), "rows": result.rows, "total": result.total},
    )
    return result


def _quota_account(item: PayoutItem, programme_id: int) -> QuotaAccount:
    return QuotaAccount.objects.get(organisation_id=item.enterprise_id, programme_id=programme_id)


def _payment_errors(
    locked: PayoutBatch, ref: str, paid_on: dt.date | None, item_ids: Iterable[int] | None
) -> tuple[list[PayoutItem], dict[str, list[ValidationError]]]:
    """The items to record as paid (locked; the chosen ones or every unpaid one) and every problem of
    the reference, the date and the choice, by field."""
    errors: dict[str, list[ValidationError]] = {}
    if not ref:
        errors["reference"] = [ValidationError("请填写支付流水号。", code="required")]
    elif len(ref) > 60:
        errors["reference"] = [ValidationError("支付流水号不能超过60字。", code="too_long")]
    today = clock.today()
    if paid_on is None:
        errors["paid_on"] = [ValidationError("请填写支付日期。", code="required")]
    elif paid_on > today:
        errors["paid_on"] = [ValidationError("支付日期不能晚于今天。", code="date_in_future")]
    elif locked.approved_at and paid_on < clock.local(locked.approved_at).date():
        errors["paid_on"] = [ValidationError("支付日期不能早于批准拨付日期。", code="date_before_approval")]
    unpaid = PayoutItem.objects.select_for_update().filter(batch=locked, status=ItemStatus.PENDING)
    if item_ids is not None:
        wanted = {int(i) for i in item_ids}
        items = list(unpaid.filter(pk__in=wanted).select_related("claim__order").order_by("id"))
        if not wanted:
            errors["items"] = [ValidationError("请选择已支付的明细。", code="required")]
        elif len(items) != len(wanted):
            errors["items"] = [ValidationError("所选明细不在本批次或已登记支付。", code="not_payable")]
    else:
        items = list(unpaid.select_related("claim__order").order_by("id"))
        if not items:
            errors["items"] = [ValidationError("本批次没有待登记支付的明细。", code="nothing_to_pay")]
    return items, errors


def _pay_item(
    actor: Any, locked: PayoutBatch, item: PayoutItem, *, ref: str, paid_on: dt.date, now: dt.datetime
) -> None:
    """Move the item's amount committed → paid on the enterprise's quota account and mark it paid."""
    before = snapshot(item, ITEM_AUDIT_FIELDS)
    quota_pay(
        actor=actor,
        account=_quota_account(item, locked.programme_id),
        amount=item.amount,
        committed_amount=item.amount,
        reference=item.claim.order.number,
        note=f"兑付批次 {locked.number} 已支付，流水号 {ref}"[:300],
    )
    ITEM.move(item, ItemAction.PAY)
    item.paid_on = paid_on
    item.paid_at = now
    item.payment_reference = ref
    item.save(update_fields=["status", "paid_on", "paid_at", "payment_reference"])
    audit_record(
        actor=actor,
        action="payout_item.paid",
        obj=item,
        before=before,
        after=snapshot(item, ITEM_AUDIT_FIELDS),
    )


def _settle_batch(
    actor: Any, locked: PayoutBatch, items: list[PayoutItem], *, ref: str, now: dt.datetime
) -> None:
    """The batch is being paid, or 已支付 once no unpaid item remains; audited."""
    before = snapshot(locked, BATCH_AUDIT_FIELDS)
    remaining = PayoutItem.objects.filter(
        batch=locked, status__in=[ItemStatus.PENDING, ItemStatus.BLOCKED]
    ).exists()
    locked.status = transition(locked.status, BatchAction.PAY)
    if not remaining:
        locked.status = transition(locked.status, BatchAction.SETTLE)
        locked.paid_at = now
    locked.save(update_fields=["status", "paid_at"])
    audit_record(
        actor=actor,
        action="payout_batch.paid" if not remaining else "payout_batch.partly_paid",
        obj=locked,
        before=before,
        after={**snapshot(locked, BATCH_AUDIT_FIELDS), "orders": [i.claim.order.number for i in items]},
        note=ref,
    )


def payout_mark_paid(
    *,
    actor: Any,
    batch: PayoutBatch,
    reference: str,
    paid_on: dt.date | None,
    item_ids: Iterable[int] | None = None,
) -> list[PayoutItem]:
    """Record the payment of the whole batch (every unpaid item) or of the chosen items, with the bank's
    payment reference and date. Each item's amount moves committed → paid on the enterprise's quota
    account in the same transaction; the batch becomes 已支付 when no unpaid item remains."""
    with transaction.atomic():
        locked = _lock(batch)
        permissions.can_mark_paid(actor, locked).enforce()
        transition(locked.status, BatchAction.PAY)
        ref = (reference or "").strip()
        items, errors = _payment_errors(locked, ref, paid_on, item_ids)
        if errors:
            raise ValidationError(errors)
        assert paid_on is not None
        now = clock.now()
        for item in items:
            _pay_item(actor, locked, item, ref=ref, paid_on=paid_on, now=now)
        _settle_batch(actor, locked, items, ref=ref, now=now)
        _notify_parties(
            items,
            kind="payout.paid",
            title=f"服务券兑付资金已支付：{locked.number}",
            body=f"支付日期 {paid_on:%Y-%m-%d}，流水号 {ref}。",
            url="/payouts/",
        )
        return items

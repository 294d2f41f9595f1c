"""Payout batches (分批兑付, SPEC R7) from draft to public notice: batching approved claims, removing
an item, cancelling a draft and publishing the notice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from voucher.core import clock, periods
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import refuse
from voucher.core.money import format_cny
from voucher.payouts import permissions
from voucher.payouts.choices import (
    LIVE_ITEM_STATUSES,
    BatchAction,
    ItemAction,
    ItemStatus,
)
from voucher.payouts.models import PayoutBatch, PayoutItem
from voucher.payouts.selectors import BatchFilters, batchable_claims
from voucher.payouts.services.common import (
    BATCH_AUDIT_FIELDS,
    ITEM_AUDIT_FIELDS,
    REASON_MAX,
    _lock,
    _notify_parties,
    _recount,
    public_url,
)
from voucher.payouts.services.payees import _capture_payees
from voucher.payouts.transitions import ITEM, transition
from voucher.programmes.models import ProgrammeYear


def _next_number(programme: ProgrammeYear) -> str:
    ProgrammeYear.objects.select_for_update().filter(pk=programme.pk).first()
    sequence = PayoutBatch.objects.filter(programme=programme).count() + 1
    return f"ZF{programme.year}-{sequence:03d}"


def check_filters(filters: BatchFilters) -> None:
    """Decision dates in order (the form and the API show the error at the end date)."""
    if filters.decided_from and filters.decided_to and filters.decided_from > filters.decided_to:
        raise refuse("dates_reversed", "审核通过日期的结束日不能早于开始日。", "decided_to")


def payout_batch_create(*, actor: Any, filters: BatchFilters, title: str = "") -> PayoutBatch:
    """Group the approved, not-yet-batched claims matching ``filters`` into a draft batch. Each item
    freezes the claim's approved payout; a claim already in another live batch is refused by the
    database, so two admins batching at once cannot pay a claim twice."""
    permissions.can_manage_payouts(actor).enforce()
    check_filters(filters)
    text = (title or "").strip()
    if len(text) > 200:
        raise refuse("too_long", "批次名称不能超过200字。", "title")
    programme = ProgrammeYear.objects.filter(pk=filters.programme_id).first()
    if programme is None:
        raise refuse("invalid_programme", "请选择年度。", "programme")
    try:
        with transaction.atomic():
            claims = list(batchable_claims(filters).select_related("order"))
            if not claims:
                raise refuse("no_claims", "没有符合条件、尚未编入批次的审核通过兑券申请。")
            number = _next_number(programme)
            now = clock.now()
            batch = PayoutBatch.objects.create(
                number=number,
                programme=programme,
                title=text or f"{programme.year}年度服务券兑付（{number}）",
                filters=filters.as_json(),
                created_at=now,
                created_by=actor,
            )
            assert all(c.approved_payout for c in claims)
            PayoutItem.objects.bulk_create(
                [
                    PayoutItem(
                        batch=batch,
                        claim=c,
                        provider_id=c.provider_id,
                        enterprise_id=c.enterprise_id,
                        amount=c.approved_payout,
                    )
                    for c in claims
                ]
            )
            _recount(batch)
            audit_record(
                actor=actor,
                action="payout_batch.created",
                obj=batch,
                after={
                    **snapshot(batch, ["number", "title", "item_count", "total_amount", "filters"]),
                    "orders": [c.order.number for c in claims],
                },
            )
            return batch
    except IntegrityError:
        raise refuse("claim_already_batched", "部分兑券申请刚被编入其他批次，请重新预览后再创建。") from None


@transaction.atomic
def payout_item_remove(*, actor: Any, item: PayoutItem, reason: str) -> PayoutItem:
    """Take a claim out of a draft batch (it can be batched again later)."""
    batch = _lock(item.batch)
    permissions.can_edit_batch(actor, batch).enforce()
    transition(batch.status, BatchAction.EDIT)
    locked = PayoutItem.objects.select_for_update().get(pk=item.pk, batch=batch)
    text = (reason or "").strip()
    if not text:
        raise refuse("reason_required", "请填写移出原因。", "reason")
    if locked.status == ItemStatus.REMOVED:
        raise refuse("already_removed", "该明细已移出批次。")
    before = snapshot(locked, ITEM_AUDIT_FIELDS)
    ITEM.move(locked, ItemAction.REMOVE)
    locked.removed_at = clock.now()
    locked.removed_reason = text[:REASON_MAX]
    locked.save(update_fields=["status", "removed_at", "removed_reason"])
    _recount(batch)
    audit_record(
        actor=actor,
        action="payout_item.removed",
        obj=locked,
        before=before,
        after=snapshot(locked, ITEM_AUDIT_FIELDS),
    )
    return locked


@transaction.atomic
def payout_batch_cancel(*, actor: Any, batch: PayoutBatch, reason: str) -> PayoutBatch:
    """Cancel a draft: its claims are released for another batch."""
    locked = _lock(batch)
    permissions.can_edit_batch(actor, locked).enforce()
    new_status = transition(locked.status, BatchAction.CANCEL)
    text = (reason or "").strip()
    if not text:
        raise refuse("reason_required", "请填写取消原因。", "reason")
    before = snapshot(locked, BATCH_AUDIT_FIELDS)
    now = clock.now()
    ITEM.move_rows(
        PayoutItem.objects.filter(batch=locked),
        ItemAction.REMOVE,
        removed_at=now,
        removed_reason="批次已取消",
    )
    locked.status = new_status
    locked.cancelled_at = now
    locked.cancel_reason = text[:REASON_MAX]
    locked.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    _recount(locked)
    audit_record(
        actor=actor,
        action="payout_batch.cancelled",
        obj=locked,
        before=before,
        after=snapshot(locked, BATCH_AUDIT_FIELDS),
        note=text,
    )
    return locked


def notice_end(starts_on: dt.date, days: int) -> dt.date:
    """The notice runs ``payout_notice_days`` calendar days counted from the day after its publication day
    (as product notices do; 民法典 Art. 201)."""
    return periods.last_day(starts_on, days=days)


@transaction.atomic
def payout_batch_publish(*, actor: Any, batch: PayoutBatch, starts_on: dt.date | None = None) -> PayoutBatch:
    """Publish the batch as a public notice for the year's ``payout_notice_days``; providers and
    enterprises of its claims are told. Each item keeps a copy of its provider's payee account, which
    the payment file pays."""
    locked = _lock(batch)
    permissions.can_publish_batch(actor, locked).enforce()
    new_status = transition(locked.status, BatchAction.PUBLISH)
    today = clock.today()
    start = starts_on or today
    if start < today:
        raise refuse("start_in_past", "公示开始日不能早于今天。", "starts_on")
    before = snapshot(locked, BATCH_AUDIT_FIELDS)
    days = locked.programme.payout_notice_days
    locked.status = new_status
    locked.notice_days = days
    locked.notice_starts_on = start
    locked.notice_ends_on = notice_end(start, days)
    locked.published_at = clock.now()
    locked.published_by = actor
    locked.save(
        update_fields=[
            "status",
            "notice_days",
            "notice_starts_on",
            "notice_ends_on",
            "published_at",
            "published_by",
        ]
    )
    _capture_payees(locked)
    audit_record(
        actor=actor,
        action="payout_batch.published",
        obj=locked,
        before=before,
        after=snapshot(locked, BATCH_AUDIT_FIELDS),
    )
    items = PayoutItem.objects.filter(batch=locked, status__in=LIVE_ITEM_STATUSES)
    _notify_parties(
        items,
        kind="payout.noticed",
        title=f"兑付批次公示：{locked.number}",
        body=(
            f"{locked.title}，共 {locked.item_count} 笔 {format_cny(locked.total_amount)}；公示期 "
            f"{locked.notice_starts_on:%Y-%m-%d} 至 {locked.notice_ends_on:%Y-%m-%d}。"
        ),
        url=public_url(locked),
    )
    return locked

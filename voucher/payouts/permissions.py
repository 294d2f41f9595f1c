"""Who may batch, publish, approve, export and pay out claims, object to a batch, and see payouts (R7).

Batches are the Bureau's (admins); anyone may object to a batch under notice; a provider sees the
payouts of its own claims and keeps its payee account; an enterprise sees the payouts of its orders.
The same functions hide buttons on the pages and refuse requests on the server.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from voucher.accounts.models import Organisation
from voucher.core.permissions import ALLOWED, Decision, acts_for, can, deny, has_capability, logged_in
from voucher.payouts.choices import BatchStatus
from voucher.payouts.models import PayoutBatch
from voucher.reviews.choices import ObjectionStatus
from voucher.reviews.models import Objection


def can_manage_payouts(user: Any) -> Decision:
    """Batching, notices, objections, approval, payment files and payments are the Bureau's."""
    return can(user, "payouts.manage", "只有市经信局可以管理兑付批次。", "not_admin")


def _batch_in(user: Any, batch: PayoutBatch, *statuses: str) -> Decision:
    if not (decision := can_manage_payouts(user)):
        return decision
    if batch.status not in statuses:
        return deny(f"兑付批次当前状态为“{batch.get_status_display()}”，不能进行此操作。", "wrong_status")
    return ALLOWED


def can_edit_batch(user: Any, batch: PayoutBatch) -> Decision:
    """A draft is changed (items removed), published or cancelled."""
    return _batch_in(user, batch, BatchStatus.DRAFT)


def can_publish_batch(user: Any, batch: PayoutBatch) -> Decision:
    if not (decision := can_edit_batch(user, batch)):
        return decision
    if batch.item_count == 0:
        return deny("批次中没有兑付明细，不能发布公示。", "empty_batch")
    return ALLOWED


def can_approve_batch(user: Any, batch: PayoutBatch, today: dt.date) -> Decision:
    """After the notice period, with every objection resolved and something left to pay."""
    if not (decision := _batch_in(user, batch, BatchStatus.NOTICED)):
        return decision
    if batch.notice_ends_on is None or today <= batch.notice_ends_on:
        ends = f"{batch.notice_ends_on:%Y年%m月%d日}" if batch.notice_ends_on else "公示结束"
        return deny(f"公示期至{ends}，期满后方可批准拨付。", "notice_running")
    if batch.objections.filter(status=ObjectionStatus.OPEN).exists():
        return deny("还有未处理的异议，请先逐条处理。", "open_objections")
    if batch.item_count == 0:
        return deny("批次中已没有待兑付的明细。", "empty_batch")
    return ALLOWED


def can_export_batch(user: Any, batch: PayoutBatch) -> Decision:
    return _batch_in(user, batch, BatchStatus.APPROVED, BatchStatus.EXPORTED)


def can_mark_paid(user: Any, batch: PayoutBatch) -> Decision:
    return _batch_in(user, batch, BatchStatus.EXPORTED, BatchStatus.PARTLY_PAID)


def can_file_payout_objection(batch: PayoutBatch, today: dt.date) -> Decision:
    """Anyone, logged in or not, during the batch's notice period."""
    if batch.status != BatchStatus.NOTICED or batch.notice_starts_on is None or batch.notice_ends_on is None:
        return deny("该兑付批次不在公示期，不受理异议。", "notice_not_open")
    if today < batch.notice_starts_on:
        return deny(
            f"公示将于{batch.notice_starts_on:%Y年%m月%d日}开始，届时方可提出异议。", "notice_not_started"
        )
    if today > batch.notice_ends_on:
        return deny(f"公示已于{batch.notice_ends_on:%Y年%m月%d日}结束，不再受理异议。", "notice_ended")
    return ALLOWED


def can_resolve_payout_objection(user: Any, objection: Objection) -> Decision:
    if not (decision := can_manage_payouts(user)):
        return decision
    if objection.status != ObjectionStatus.OPEN:
        return deny(f"该异议已处理（{objection.get_status_display()}）。", "already_resolved")
    return ALLOWED


def can_view_own_payouts(user: Any) -> Decision:
    """Providers see the payouts of their claims, enterprises those of their orders."""
    if not (decision := logged_in(user)):
        return decision
    if has_capability(user, "payouts.view_own") and user.organisation_id:
        return ALLOWED
    return deny("只有服务商和企业可以查看本单位的兑付情况。", "not_party")


def can_edit_payee(user: Any, organisation: Organisation | None) -> Decision:
    """A provider keeps its own payee account; the Bureau may correct it."""
    if not (decision := logged_in(user)):
        return decision
    if organisation is None or not organisation.is_provider:
        return deny("只有服务商需要登记收款账户。", "not_provider")
    if has_capability(user, "payouts.manage"):
        return ALLOWED
    if acts_for(user, "party.provider", organisation.pk):
        return ALLOWED
    return deny("只能维护本单位的收款账户。", "not_owner")

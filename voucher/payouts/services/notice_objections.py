"""Objections to a payout notice (SPEC R7): filing one blocks the items it concerns until the Bureau
decides; upheld, they leave the batch, dismissed, they are unblocked. The shared objection mechanics are
:mod:`voucher.reviews.objections`; this module supplies the payout hooks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.files.base import File
from django.db import transaction

from voucher.core import clock
from voucher.core.errors import refuse
from voucher.payouts import permissions
from voucher.payouts.choices import (
    BatchStatus,
    ItemAction,
    ItemStatus,
)
from voucher.payouts.models import PayoutBatch, PayoutItem
from voucher.payouts.services.common import REASON_MAX, _lock, _notify_parties, _recount
from voucher.payouts.transitions import ITEM
from voucher.reviews import objections
from voucher.reviews.choices import ObjectionStatus
from voucher.reviews.models import Objection
from voucher.reviews.objections import ObjectionKind


def _payout_filed(items: list[PayoutItem]) -> Callable[[Objection], dict[str, Any]]:
    def filed(objection: Objection) -> dict[str, Any]:
        objection.payout_items.set(items)
        ITEM.move_rows(PayoutItem.objects.filter(pk__in=[i.pk for i in items]), ItemAction.BLOCK)
        return {"orders": [i.claim.order.number for i in items]}

    return filed


def _payout_check(objection: Objection) -> None:
    batch = objection.batch
    if batch is not None and batch.status != BatchStatus.NOTICED:
        raise refuse("wrong_status", f"兑付批次当前状态为“{batch.get_status_display()}”，不能处理异议。")


def _payout_decided(actor: Any, objection: Objection, text: str) -> dict[str, Any]:
    """Upheld: the items leave the batch (their claims can be dealt with through review and batched
    again); dismissed: the items are unblocked unless another open objection still concerns them."""
    batch = objection.batch
    assert batch is not None
    items = list(
        PayoutItem.objects.select_for_update().filter(objections=objection).select_related("claim__order")
    )
    if objection.status == ObjectionStatus.UPHELD:
        for item in items:
            if ITEM.can_move(item.status, ItemAction.REMOVE):
                ITEM.move(item, ItemAction.REMOVE)
                item.removed_at = objection.resolved_at
                item.removed_reason = f"公示异议成立：{text}"[:REASON_MAX]
                item.save(update_fields=["status", "removed_at", "removed_reason"])
        _recount(batch)
        _notify_parties(
            items,
            kind="payout.objection_upheld",
            title=f"兑付公示异议成立，移出批次：{batch.number}",
            body=f"处理意见：{text}",
            url="/payouts/",
        )
    else:
        still_open = set(
            PayoutItem.objects.filter(
                pk__in=[i.pk for i in items], objections__status=ObjectionStatus.OPEN
            ).values_list("pk", flat=True)
        )
        ITEM.move_rows(
            PayoutItem.objects.filter(pk__in=[i.pk for i in items if i.pk not in still_open]),
            ItemAction.UNBLOCK,
        )
    return {"orders": [i.claim.order.number for i in items]}


PAYOUT = ObjectionKind(
    audit="payout_objection",
    notify_kind="payout_objection.filed",
    title=lambda o: f"兑付公示异议：{o.batch.number if o.batch else ''}",
    url=lambda o: f"/payouts/batches/{o.batch_id}/",
    filed_fields=("batch_id", "name", "contact", "file_name", "file_sha256"),
    can_decide=permissions.can_resolve_payout_objection,
    related=("batch",),
    resolution_max=REASON_MAX,
)


@transaction.atomic
def payout_objection_file(
    *,
    actor: Any,
    batch: PayoutBatch,
    item_ids: Iterable[int],
    name: str,
    contact: str,
    text: str,
    file: File | None = None,
) -> Objection:
    """Anyone objects, during the notice period, to one or more items of a batch; the items are blocked
    until the objection is resolved, and the Bureau is told. A file is checked by its content."""
    locked = _lock(batch)
    permissions.can_file_payout_objection(locked, clock.today()).enforce()
    errors: dict[str, list[str]] = {}
    wanted = {int(i) for i in item_ids}
    items = list(
        PayoutItem.objects.select_for_update()
        .filter(batch=locked, pk__in=wanted, status__in=[ItemStatus.PENDING, ItemStatus.BLOCKED])
        .select_related("claim__order")
    )
    if not wanted:
        errors["items"] = ["请选择异议涉及的兑付明细。"]
    elif len(items) != len(wanted):
        errors["items"] = ["请选择本批次公示中的兑付明细。"]
    return objections.objection_file(
        kind=PAYOUT,
        actor=actor,
        target={"batch": locked},
        name=name,
        contact=contact,
        text=text,
        file=file,
        errors=errors,
        on_filed=_payout_filed(items),
    )


@transaction.atomic
def payout_objection_resolve(*, actor: Any, objection: Objection, action: str, resolution: str) -> Objection:
    """Decide an objection to a batch under notice (the batch is locked first); see :func:`_payout_decided`."""
    if objection.batch is None:
        raise refuse("not_payout_objection", "该异议不是兑付公示异议。")
    _lock(objection.batch)
    return objections.objection_decide(
        kind=PAYOUT,
        actor=actor,
        objection=objection,
        action=action,
        resolution=resolution,
        check=_payout_check,
        on_decided=_payout_decided,
    )

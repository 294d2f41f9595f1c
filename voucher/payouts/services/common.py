"""Shared pieces of the payout services: the audited fields, the batch lock, the totals and who is told.

Locking order, the same in every payout service: the batch, then its items, then (through the ledger
service) the quota accounts.
"""

from __future__ import annotations

from collections.abc import Iterable

from voucher.accounts.models import User
from voucher.accounts.selectors import active_members, active_users_with
from voucher.core.notifications import notify
from voucher.payouts.models import PayoutBatch, PayoutItem
from voucher.payouts.selectors import live_totals

BATCH_AUDIT_FIELDS = [
    "status",
    "title",
    "item_count",
    "total_amount",
    "notice_days",
    "notice_starts_on",
    "notice_ends_on",
    "approved_at",
    "exported_at",
    "export_count",
    "paid_at",
    "cancelled_at",
    "cancel_reason",
]
ITEM_AUDIT_FIELDS = ["status", "amount", "paid_on", "payment_reference", "removed_reason"]
REASON_MAX = 1000


def _admins() -> list[User]:
    return list(active_users_with("payouts.manage"))


def batch_url(batch: PayoutBatch) -> str:
    return f"/payouts/batches/{batch.pk}/"


def public_url(batch: PayoutBatch) -> str:
    return f"/payouts/public/{batch.pk}/"


def _lock(batch: PayoutBatch) -> PayoutBatch:
    return PayoutBatch.objects.select_for_update(of=("self",)).select_related("programme").get(pk=batch.pk)


def _recount(batch: PayoutBatch) -> None:
    totals = live_totals(batch)
    batch.item_count, batch.total_amount = totals.count, totals.total
    batch.save(update_fields=["item_count", "total_amount"])


def _notify_parties(items: Iterable[PayoutItem], *, kind: str, title: str, body: str, url: str) -> None:
    rows = list(items)
    notify(
        recipients=[
            *active_members({i.provider_id for i in rows}, "party.provider"),
            *active_members({i.enterprise_id for i in rows}, "party.enterprise"),
        ],
        kind=kind,
        title=title,
        body=body,
        url=url,
    )

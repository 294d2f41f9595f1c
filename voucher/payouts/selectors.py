"""Reads of payout batches, items and objections, filtered to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Sum

from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.core import clock
from voucher.core.permissions import has_capability
from voucher.payouts.choices import LIVE_ITEM_STATUSES, PUBLIC_BATCH_STATUSES, ItemStatus
from voucher.payouts.models import PayoutBatch, PayoutItem
from voucher.reviews.models import Objection

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BatchFilters:
    """Which approved claims a new batch takes: the year, and optionally direction, provider, decision dates."""

    programme_id: int
    direction_id: int | None = None
    provider_id: int | None = None
    decided_from: dt.date | None = None
    decided_to: dt.date | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "direction_id": self.direction_id,
            "provider_id": self.provider_id,
            "decided_from": self.decided_from.isoformat() if self.decided_from else None,
            "decided_to": self.decided_to.isoformat() if self.decided_to else None,
        }


@dataclass(frozen=True)
class Preview:
    count: int
    total: Decimal


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=clock.SHANGHAI)


def batchable_claims(filters: BatchFilters) -> QuerySet[Claim]:
    """Approved claims of the year that are in no live batch, matching the filters, oldest decision first."""
    live = PayoutItem.objects.filter(claim=OuterRef("pk")).exclude(status=ItemStatus.REMOVED)
    claims = Claim.objects.filter(programme_id=filters.programme_id, status=ClaimStatus.APPROVED).filter(
        ~Exists(live)
    )
    if filters.direction_id:
        claims = claims.filter(order__product__direction_id=filters.direction_id)
    if filters.provider_id:
        claims = claims.filter(provider_id=filters.provider_id)
    if filters.decided_from:
        claims = claims.filter(decided_at__gte=_start(filters.decided_from))
    if filters.decided_to:
        claims = claims.filter(decided_at__lt=_start(filters.decided_to + dt.timedelta(days=1)))
    return claims.order_by("decided_at", "id")


def batch_preview(filters: BatchFilters) -> Preview:
    """How many claims a batch with these filters would take, and their total approved payout."""
    figures = batchable_claims(filters).order_by().aggregate(total=Sum("approved_payout"))
    return Preview(count=batchable_claims(filters).count(), total=figures["total"] or ZERO)


def batches_all() -> QuerySet[PayoutBatch]:
    return PayoutBatch.objects.select_related("programme", "created_by")


def batch_items(batch: PayoutBatch) -> QuerySet[PayoutItem]:
    """Every item of the batch with what the pages show (removed ones included, last)."""
    return (
        PayoutItem.objects.filter(batch=batch)
        .select_related(
            "claim", "claim__order", "claim__order__product", "claim__contract", "provider", "enterprise"
        )
        .order_by("id")
    )


def batch_objections(batch: PayoutBatch) -> QuerySet[Objection]:
    return Objection.objects.filter(batch=batch).prefetch_related(
        "payout_items", "payout_items__claim__order"
    )


def payout_objections() -> QuerySet[Objection]:
    """Objections to payout batches (the shared model also holds product-notice objections)."""
    return Objection.objects.filter(batch__isnull=False)


def batches_public() -> QuerySet[PayoutBatch]:
    """Batches that have been published (公示), for anyone."""
    return PayoutBatch.objects.filter(status__in=PUBLIC_BATCH_STATUSES).select_related("programme")


def public_items(batch: PayoutBatch) -> QuerySet[PayoutItem]:
    """The live items of a published batch, for the public notice (never with bank details)."""
    return batch_items(batch).filter(status__in=LIVE_ITEM_STATUSES)


def own_payout_items(user: Any) -> QuerySet[PayoutItem]:
    """The provider's (or enterprise's) items in published batches, newest first."""
    if not getattr(user, "is_authenticated", False) or not user.organisation_id:
        return PayoutItem.objects.none()
    items = PayoutItem.objects.filter(batch__status__in=PUBLIC_BATCH_STATUSES).select_related(
        "batch", "claim__order", "claim__order__product", "provider", "enterprise"
    )
    if has_capability(user, "party.provider"):
        return items.filter(provider_id=user.organisation_id).order_by("-batch__created_at", "-id")
    if has_capability(user, "party.enterprise"):
        return items.filter(enterprise_id=user.organisation_id).order_by("-batch__created_at", "-id")
    return PayoutItem.objects.none()


def live_totals(batch: PayoutBatch) -> Preview:
    """Count and sum of the batch's live items, from the items themselves."""
    figures = PayoutItem.objects.filter(batch=batch, status__in=LIVE_ITEM_STATUSES).aggregate(
        total=Sum("amount")
    )
    count = PayoutItem.objects.filter(batch=batch, status__in=LIVE_ITEM_STATUSES).count()
    return Preview(count=count, total=figures["total"] or ZERO)

"""Reads of claims, filtered to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.claims.services import CLAIMABLE_CONTRACT_STATUSES, Window, claim_window
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.core.permissions import has_capability


def claims_visible_to(user: Any) -> QuerySet[Claim]:
    """The provider's or enterprise's own claims, or all for reviewers and the Bureau."""
    claims = Claim.objects.select_related(
        "order", "order__product", "contract", "enterprise", "provider", "programme"
    )
    if not getattr(user, "is_authenticated", False):
        return claims.none()
    if has_capability(user, "records.view_all"):
        return claims
    if has_capability(user, "party.provider"):
        return claims.filter(provider_id=user.organisation_id)
    if has_capability(user, "party.enterprise"):
        return claims.filter(enterprise_id=user.organisation_id)
    return claims.none()


def claim_for_order(user: Any, number: str) -> Claim | None:
    return claims_visible_to(user).filter(order__number=number).first()


def claim_list(user: Any, *, status: str | None = None) -> QuerySet[Claim]:
    claims = claims_visible_to(user)
    return claims.filter(status=status) if status else claims


def review_queue(user: Any) -> QuerySet[Claim]:
    """Submitted claims awaiting a decision, oldest first, without the reviewer's own organisation's."""
    if not has_capability(user, "claims.review"):
        return Claim.objects.none()
    return (
        claims_visible_to(user)
        .filter(status=ClaimStatus.SUBMITTED)
        .exclude(provider_id=user.organisation_id)
        .exclude(enterprise_id=user.organisation_id)
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class Claimable:
    """A contract of the provider without a claim yet, with its claim period."""

    contract: Contract
    window: Window

    @property
    def open_now(self) -> bool:
        return self.window.contains(clock.today())


def contracts_to_claim(user: Any) -> list[Claimable]:
    """The provider's confirmed or completed contracts that have no claim yet, soonest deadline first."""
    if not has_capability(user, "party.provider"):
        return []
    contracts = (
        Contract.objects.select_related("order", "product", "enterprise", "programme")
        .filter(provider_id=user.organisation_id, status__in=CLAIMABLE_CONTRACT_STATUSES, claim__isnull=True)
        .order_by("service_end", "id")
    )
    rows = [Claimable(c, claim_window(c)) for c in contracts]
    return sorted(rows, key=lambda r: r.window.deadline)

"""Reads for oversight: is an organisation under a sanction on a given day (SPEC E7, M5)? What oversight
records may a user see (M1, M2, M5)? Does a spot-check draw verify?"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from voucher.accounts.models import User
from voucher.accounts.selectors import active_users_with
from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.core.permissions import ALLOWED, Decision, deny, has_capability
from voucher.enforcement import sampling
from voucher.enforcement.choices import SpotCheckStatus
from voucher.enforcement.models import Clawback, Sanction, SpotCheck, SpotCheckItem
from voucher.enforcement.services import eligible_population


def sanction_in_force(*, organisation_id: int, on: dt.date) -> Sanction | None:
    """The sanction that bans the organisation on ``on`` (the latest ending one), or ``None``."""
    return (
        Sanction.objects.in_force(on)
        .filter(organisation_id=organisation_id)
        .order_by("-ends_on", "-id")
        .first()
    )


def sanction_refusal(*, organisation_id: int, on: dt.date) -> Decision:
    """``ALLOWED``, or a refusal with code ``sanctioned`` naming the violation and the ban's last day."""
    sanction = sanction_in_force(organisation_id=organisation_id, on=on)
    if sanction is None:
        return ALLOWED
    return deny(sanction.reason, "sanctioned")


def sanctions_visible_to(user: Any) -> QuerySet[Sanction]:
    """Every sanction for the Bureau; the organisation's own for its members; nothing otherwise."""
    rows = Sanction.objects.select_related("organisation", "case", "decided_by", "lifted_by")
    if not getattr(user, "is_authenticated", False):
        return rows.none()
    if has_capability(user, "bureau.admin"):
        return rows
    if has_capability(user, "enforcement.view_own") and user.organisation_id:
        return rows.filter(organisation_id=user.organisation_id)
    return rows.none()


def sanctions_in_force(on: dt.date) -> QuerySet[Sanction]:
    return Sanction.objects.in_force(on)


def clawbacks_visible_to(user: Any) -> QuerySet[Clawback]:
    """Every clawback for the Bureau; a provider's and an enterprise's own; nothing otherwise."""
    rows = Clawback.objects.select_related("claim__order", "enterprise", "provider", "case")
    if not getattr(user, "is_authenticated", False):
        return rows.none()
    if has_capability(user, "bureau.admin"):
        return rows
    if has_capability(user, "party.provider") and user.organisation_id:
        return rows.filter(provider_id=user.organisation_id)
    if has_capability(user, "party.enterprise") and user.organisation_id:
        return rows.filter(enterprise_id=user.organisation_id)
    return rows.none()


def reportable_claims(user: Any) -> QuerySet[Claim]:
    """The provider's approved claims (the ones a refund or missing service can be reported on)."""
    if not (has_capability(user, "enforcement.report_refund") and user.organisation_id):
        return Claim.objects.none()
    return (
        Claim.objects.filter(provider_id=user.organisation_id, status=ClaimStatus.APPROVED)
        .select_related("order", "order__product", "enterprise")
        .order_by("-decided_at", "-id")
    )


def spot_checks_visible_to(user: Any) -> QuerySet[SpotCheck]:
    """All spot checks for the Bureau; for a reviewer, those with an item assigned to them."""
    rows = SpotCheck.objects.select_related("programme", "created_by")
    if not getattr(user, "is_authenticated", False):
        return rows.none()
    if has_capability(user, "bureau.admin"):
        return rows
    if has_capability(user, "enforcement.inspect"):
        return rows.filter(pk__in=SpotCheckItem.objects.filter(inspector=user).values("spot_check_id"))
    return rows.none()


def inspection_tasks(user: Any) -> QuerySet[SpotCheckItem]:
    """Items assigned to ``user`` that still need a finding."""
    if not getattr(user, "is_authenticated", False):
        return SpotCheckItem.objects.none()
    return SpotCheckItem.objects.filter(inspector=user, outcome="", spot_check__status=SpotCheckStatus.OPEN)


def inspectors() -> QuerySet[User]:
    return active_users_with("enforcement.inspect").order_by("role", "username")


@dataclass(frozen=True)
class Verification:
    """The outcome of re-running a spot-check draw."""

    stored_hash_ok: bool
    draw_reproduced: bool
    population_unchanged: bool
    current_count: int
    current_hash: str
    added: int
    removed: int

    @property
    def matches(self) -> bool:
        return self.stored_hash_ok and self.draw_reproduced and self.population_unchanged

    @property
    def summary(self) -> str:
        if self.matches:
            return "核验一致：按记录的随机种子和总体重新抽取，结果与原抽样完全相同，且当前总体未变化。"
        parts = []
        if not self.stored_hash_ok:
            parts.append("记录的总体编号与总体哈希不符（记录可能被改动）")
        if not self.draw_reproduced:
            parts.append("按随机种子重新抽取的结果与记录的样本不一致")
        if not self.population_unchanged:
            parts.append(f"按原条件查询的当前总体已变化（新增 {self.added} 个，减少 {self.removed} 个）")
        return "核验不一致：" + "；".join(parts) + "。"


def spot_check_verify(check: SpotCheck) -> Verification:
    """Re-derive the sample from the stored seed and population, and compare the population the stored
    filters select today with the stored one."""
    stored = [int(i) for i in check.population_ids]
    current = eligible_population(check.programme, check.target, dict(check.filters))
    try:
        redrawn = sampling.draw(check.seed, stored, check.sample_size)
    except ValueError:
        redrawn = []
    current_hash = sampling.population_hash(current)
    return Verification(
        stored_hash_ok=sampling.population_hash(stored) == check.population_hash,
        draw_reproduced=redrawn == [int(i) for i in check.sample_ids],
        population_unchanged=current_hash == check.population_hash,
        current_count=len(current),
        current_hash=current_hash,
        added=len(set(current) - set(stored)),
        removed=len(set(stored) - set(current)),
    )

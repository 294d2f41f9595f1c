"""Who may see, file and review redemption claims (SPEC R1–R6).

The provider of the order files; the ordering enterprise views its order's claim; reviewers and admins
review — except a reviewer belonging to the provider's (or the enterprise's) own organisation (conflict
of interest). The same functions hide buttons on the pages and refuse requests on the server.
"""

from __future__ import annotations

from typing import Any

from voucher.claims.choices import EDITABLE_STATUSES, ClaimStatus
from voucher.claims.models import Claim
from voucher.contracts.models import Contract
from voucher.core.permissions import (
    ALLOWED,
    Decision,
    acts_for,
    can,
    deny,
    has_capability,
    logged_in,
    member_of,
)


def _is_provider_of(user: Any, organisation_id: int) -> bool:
    return acts_for(user, "party.provider", organisation_id)


def _is_enterprise_of(user: Any, organisation_id: int) -> bool:
    return acts_for(user, "party.enterprise", organisation_id)


def is_staff_reviewer(user: Any) -> bool:
    return has_capability(user, "claims.review")


def can_view_claim(user: Any, claim: Claim) -> Decision:
    """The two parties of the order, reviewers and the Bureau."""
    if not (decision := logged_in(user)):
        return decision
    if has_capability(user, "records.view_all"):
        return ALLOWED
    if _is_provider_of(user, claim.provider_id) or _is_enterprise_of(user, claim.enterprise_id):
        return ALLOWED
    return deny("只能查看本单位订单的兑券申请。", "not_party")


def can_file_claim(user: Any, contract: Contract) -> Decision:
    """The provider of the order prepares, submits or waives the claim."""
    if not (decision := logged_in(user)):
        return decision
    if _is_provider_of(user, contract.provider_id):
        return ALLOWED
    return deny("只有该订单的服务商可以申请兑券。", "not_provider")


def can_edit_claim(user: Any, claim: Claim) -> Decision:
    """Before submission (or after a return for supplementary material) the provider edits the claim."""
    if not (decision := can_file_claim(user, claim.contract)):
        return decision
    if claim.status not in EDITABLE_STATUSES:
        return deny(f"兑券申请当前状态为“{claim.get_status_display()}”，不能再修改。", "not_editable")
    return ALLOWED


def reviewer_conflict(user: Any, claim: Claim) -> Decision:
    """A reviewer of the provider's or the enterprise's own organisation may not review the claim."""
    if member_of(user, claim.provider_id) or member_of(user, claim.enterprise_id):
        return deny("评审人员所在单位是该订单的当事方，需回避，不能审核该兑券申请。", "conflict_of_interest")
    return ALLOWED


def can_review_queue(user: Any) -> Decision:
    return can(user, "claims.review", "只有评审机构和市经信局可以审核兑券申请。", "not_reviewer")


def can_review_claim(user: Any, claim: Claim) -> Decision:
    """Reviewers and admins decide submitted claims, unless they have a conflict of interest."""
    if not (decision := can_review_queue(user)):
        return decision
    if not (decision := reviewer_conflict(user, claim)):
        return decision
    if claim.status != ClaimStatus.SUBMITTED:
        return deny(f"兑券申请当前状态为“{claim.get_status_display()}”，不能审核。", "not_submitted")
    return ALLOWED

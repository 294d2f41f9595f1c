"""Who may see and act on oversight records (SPEC M1, M2, M5).

Sanctions, spot checks and clawback decisions are the Bureau's (admin). A provider reports refunds or
missing service on its own approved claims and sees its clawbacks; a sanctioned party sees its own
sanctions. Reviewers (and admins) act as spot-check inspectors on the items assigned to them. The same
functions hide buttons on the pages and refuse requests on the server.
"""

from __future__ import annotations

from typing import Any

from voucher.claims.choices import ClaimStatus
from voucher.claims.models import Claim
from voucher.core.permissions import (
    ALLOWED,
    Decision,
    acts_for,
    can,
    deny,
    has_capability,
    is_admin,  # the Bureau's check, from the kernel; the services call it as ``permissions.is_admin``
    logged_in,
)
from voucher.enforcement.choices import ACTIVE_CLAWBACK_STATUSES, SpotCheckStatus
from voucher.enforcement.models import Clawback, Sanction, SpotCheck, SpotCheckItem


def can_manage_sanctions(user: Any) -> Decision:
    return is_admin(user)


def can_view_sanction(user: Any, sanction: Sanction) -> Decision:
    """The Bureau, and the sanctioned organisation's own members."""
    if not (decision := logged_in(user)):
        return decision
    if has_capability(user, "bureau.admin"):
        return ALLOWED
    if acts_for(user, "enforcement.view_own", sanction.organisation_id):
        return ALLOWED
    return deny("只能查看本单位的违规处理记录。", "not_party")


def can_lift_sanction(user: Any, sanction: Sanction) -> Decision:
    if not (decision := is_admin(user)):
        return decision
    if sanction.lifted_at is not None:
        return deny("该处理已解除。", "already_lifted")
    return ALLOWED


def can_view_records(user: Any) -> Decision:
    """处理记录: an enterprise or provider sees its own sanctions and clawbacks."""
    if not (decision := logged_in(user)):
        return decision
    if has_capability(user, "enforcement.view_own") and user.organisation_id:
        return ALLOWED
    return deny("处理记录仅供企业和服务商查看本单位记录。", "not_party")


def can_list_clawbacks(user: Any) -> Decision:
    """The Bureau sees all clawbacks; a provider its own."""
    if not (decision := logged_in(user)):
        return decision
    if has_capability(user, "bureau.admin") or (
        has_capability(user, "party.provider") and user.organisation_id
    ):
        return ALLOWED
    return deny("只有服务商和市经信局可以查看资金追回。", "wrong_role")


def can_view_clawback(user: Any, clawback: Clawback) -> Decision:
    if not (decision := logged_in(user)):
        return decision
    if has_capability(user, "bureau.admin"):
        return ALLOWED
    if acts_for(user, "party.provider", clawback.provider_id):
        return ALLOWED
    if acts_for(user, "party.enterprise", clawback.enterprise_id):
        return ALLOWED
    return deny("只能查看本单位的资金追回记录。", "not_party")


def can_report_refund(user: Any, claim: Claim | None = None) -> Decision:
    """Guide 五、4: the provider of an approved claim reports a refund or missing service itself."""
    if not (decision := logged_in(user)):
        return decision
    if not has_capability(user, "enforcement.report_refund"):
        return deny("只有服务商可以上报退款或未开展实质服务的情况。", "not_provider")
    if claim is None:
        return ALLOWED
    if claim.provider_id != user.organisation_id:
        return deny("只能上报本单位的兑券订单。", "not_party")
    if claim.status != ClaimStatus.APPROVED:
        return deny("只有审核通过（已兑付）的兑券订单才能上报追回。", "claim_not_paid")
    return ALLOWED


def can_open_clawback(user: Any) -> Decision:
    return is_admin(user)


def can_settle_clawback(user: Any, clawback: Clawback) -> Decision:
    """Recording repayments and waiving are the Bureau's, while the clawback is still open."""
    if not (decision := is_admin(user)):
        return decision
    if clawback.status not in ACTIVE_CLAWBACK_STATUSES:
        return deny(f"该追回已{clawback.get_status_display()}，不能再登记。", "clawback_closed")
    return ALLOWED


def can_draw_spot_check(user: Any) -> Decision:
    return is_admin(user)


def can_view_spot_checks(user: Any) -> Decision:
    """Admins see every spot check; reviewers those with items assigned to them."""
    return can(user, "enforcement.inspect", "只有市经信局和评审机构的检查人员可以查看抽查。", "wrong_role")


def can_view_spot_check(user: Any, check: SpotCheck) -> Decision:
    if not (decision := can_view_spot_checks(user)):
        return decision
    if has_capability(user, "bureau.admin") or check.items.filter(inspector=user).exists():
        return ALLOWED
    return deny("只能查看分配给本人的抽查项目。", "not_inspector")


def can_assign_inspectors(user: Any, check: SpotCheck) -> Decision:
    if not (decision := is_admin(user)):
        return decision
    if check.status != SpotCheckStatus.OPEN:
        return deny("抽查已完成，不能再分配检查人。", "spot_check_closed")
    return ALLOWED


def can_record_finding(user: Any, item: SpotCheckItem) -> Decision:
    """The assigned inspector, or an admin, records the finding while the check is open."""
    if not (decision := can_view_spot_checks(user)):
        return decision
    if item.spot_check.status != SpotCheckStatus.OPEN:
        return deny("抽查已完成，不能再修改检查结论。", "spot_check_closed")
    if has_capability(user, "bureau.admin") or item.inspector_id == user.pk:
        return ALLOWED
    return deny("只有分配的检查人可以记录该项目的检查结论。", "not_inspector")

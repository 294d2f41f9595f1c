"""Who may do what with enterprise records. Each function returns a Decision (allowed, reason)."""

from __future__ import annotations

from typing import Any

from voucher.accounts.models import Organisation
from voucher.core.permissions import (
    ALLOWED,
    Decision,
    acts_for,
    deny,
    has_any_capability,
    has_capability,
    member_of,
)


def _anonymous(user: Any) -> bool:
    return user is None or not getattr(user, "is_authenticated", False)


def can_act_for_enterprise(user: Any, organisation: Organisation) -> Decision:
    """Authenticate, classify, download the pledge: the enterprise's own users (and the Bureau's admins)."""
    if _anonymous(user):
        return deny("请先登录。", "not_authenticated")
    if has_capability(user, "enterprises.manage"):
        return ALLOWED
    if not has_capability(user, "party.enterprise"):
        return deny("此功能仅限企业用户使用。")
    if not member_of(user, organisation.pk):
        return deny("只能办理本企业的业务。")
    if not organisation.is_enterprise:
        return deny("当前单位不是企业，无法办理企业认证。")
    return ALLOWED


def can_read_enterprises(user: Any) -> Decision:
    """Whether the user's role ever reads an enterprise's record (its own users, reviewers, admins).

    Checked before the record is looked up, so a refused role gets the same answer for every number.
    """
    if _anonymous(user):
        return deny("请先登录。", "not_authenticated")
    if has_any_capability(user, "party.enterprise", "records.view_all"):
        return ALLOWED
    return deny("企业信息仅限企业本身、评审机构和市经信局查看。")


def can_view_enterprise(user: Any, organisation: Organisation) -> Decision:
    """Reading an enterprise's status and quota: its own users, admins and reviewers (who check claims)."""
    if has_capability(user, "records.view_all"):
        return ALLOWED
    return can_act_for_enterprise(user, organisation)


def can_manage_credit_list(user: Any) -> Decision:
    if _anonymous(user):
        return deny("请先登录。", "not_authenticated")
    if has_capability(user, "enterprises.manage"):
        return ALLOWED
    return deny("信用名单仅限市经信局管理员维护。")


def can_review_classification(user: Any) -> Decision:
    """Confirming a size re-declaration that waits for its supporting statement is the Bureau's."""
    if _anonymous(user):
        return deny("请先登录。", "not_authenticated")
    if has_capability(user, "enterprises.manage"):
        return ALLOWED
    return deny("划型变更仅限市经信局管理员确认。")


def can_list_enterprises(user: Any) -> Decision:
    if _anonymous(user):
        return deny("请先登录。", "not_authenticated")
    if has_capability(user, "records.view_all"):
        return ALLOWED
    return deny("企业名单仅限市经信局和评审机构查看。")


def can_run_credit_check(user: Any, organisation: Organisation) -> Decision:
    """The system, admins, reviewers, or the organisation's own users (at authentication, order, application)."""
    if user is None:
        return ALLOWED
    if _anonymous(user):
        return deny("请先登录。", "not_authenticated")
    if has_capability(user, "enterprises.credit_check") or member_of(user, organisation.pk):
        return ALLOWED
    return deny("不能核查其他单位的信用。")


def can_move_quota(user: Any, organisation: Organisation) -> Decision:
    """Ledger moves are made by other services (ordering, contracts, payouts) that check the business rule;
    here only the system, admins, providers and reviewers acting on orders, or the enterprise itself."""
    if user is None:
        return ALLOWED
    if _anonymous(user):
        return deny("请先登录。", "not_authenticated")
    if has_capability(user, "enterprises.move_any_quota"):
        return ALLOWED
    if acts_for(user, "party.enterprise", organisation.pk):
        return ALLOWED
    return deny("不能变动其他企业的额度。")

"""Who may see and move contracts and ratings (SPEC C1–C7, O8).

The same functions hide buttons on the pages and refuse requests on the server.
"""

from __future__ import annotations

from typing import Any

from voucher.contracts.models import Contract, Rating
from voucher.core.permissions import ALLOWED, Decision, acts_for, deny, has_capability, logged_in
from voucher.orders.models import Order


def _is_enterprise_of(user: Any, organisation_id: int) -> bool:
    return acts_for(user, "party.enterprise", organisation_id)


def _is_provider_of(user: Any, organisation_id: int) -> bool:
    return acts_for(user, "party.provider", organisation_id)


def can_view_order_contract(user: Any, order: Order) -> Decision:
    """The two parties of the order and the Bureau's staff and reviewers (annex, contract)."""
    if not (decision := logged_in(user)):
        return decision
    if has_capability(user, "records.view_all"):
        return ALLOWED
    if _is_enterprise_of(user, order.enterprise_id) or _is_provider_of(user, order.provider_id):
        return ALLOWED
    return deny("只能查看本单位的合同。", "not_party")


def can_view_contract(user: Any, contract: Contract) -> Decision:
    return can_view_order_contract(user, contract.order)


def can_record_contract(user: Any, order: Order) -> Decision:
    """The provider of the ordered product records the contract (its recording is its confirmation)."""
    if not (decision := logged_in(user)):
        return decision
    if _is_provider_of(user, order.provider_id):
        return ALLOWED
    return deny("只有该订单的服务商可以录入合同。", "not_provider")


def can_amend_contract(user: Any, contract: Contract) -> Decision:
    """The provider amends its own contract until the claim is filed."""
    if not (decision := logged_in(user)):
        return decision
    if not _is_provider_of(user, contract.provider_id):
        return deny("只有该合同的服务商可以变更合同。", "not_provider")
    if contract.claim_locked_at is not None:
        return deny("已提交兑券申请，合同不能再变更。", "claim_locked")
    return ALLOWED


def can_confirm_contract(user: Any, contract: Contract) -> Decision:
    """The ordering enterprise (the contract party, O8) confirms the terms and the completion."""
    if not (decision := logged_in(user)):
        return decision
    if _is_enterprise_of(user, contract.enterprise_id):
        return ALLOWED
    return deny("只有下单企业可以确认合同。", "not_enterprise")


can_complete_contract = can_confirm_contract


def can_rate(user: Any, contract: Contract) -> Decision:
    """The ordering enterprise rates the provider."""
    if not (decision := logged_in(user)):
        return decision
    if _is_enterprise_of(user, contract.enterprise_id):
        return ALLOWED
    return deny("只有下单企业可以评价。", "not_enterprise")


def can_reply_rating(user: Any, rating: Rating) -> Decision:
    """The provider of the rated service replies once."""
    if not (decision := logged_in(user)):
        return decision
    if _is_provider_of(user, rating.contract.provider_id):
        return ALLOWED
    return deny("只有该服务的服务商可以回复评价。", "not_provider")

"""Recording a contract for an order (C1) and amending it (C2), both under the enterprise's quota
account lock so that the maximum deduction holds.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from voucher.accounts.selectors import active_members
from voucher.catalogue.models import Product
from voucher.contracts.choices import ContractAction, ContractStatus
from voucher.contracts.models import Contract
from voucher.contracts.permissions import (
    can_amend_contract,
    can_record_contract,
)
from voucher.contracts.services.common import CONTRACT_AUDIT_FIELDS, _url
from voucher.contracts.services.terms import CheckedTerms, Terms, _check_parties, check_terms
from voucher.contracts.transitions import transition
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import refuse
from voucher.core.money import format_cny
from voucher.core.notifications import notify
from voucher.core.text import identifier_key
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.services import quota_adjust_commitment, quota_commit
from voucher.orders.choices import OrderStatus
from voucher.orders.models import Order


def _lock_account(order: Order) -> QuotaAccount:
    return QuotaAccount.objects.select_for_update().get(
        organisation_id=order.enterprise_id, programme_id=order.programme_id
    )


def _number_taken(provider_id: int, number: str, exclude: int | None = None) -> bool:
    """The provider already has a contract with this number, compared by :func:`identifier_key`
    (``RACE-1`` and ``race-1\u200b`` are the same number)."""
    key = identifier_key(number)
    contracts = Contract.objects.filter(provider_id=provider_id)
    if exclude:
        contracts = contracts.exclude(pk=exclude)
    numbers = contracts.values_list("number", flat=True)
    return any(identifier_key(n) == key for n in numbers.iterator())


def _terms_fields(checked: CheckedTerms) -> dict[str, Any]:
    """The contract's fields that come from its checked terms."""
    return {
        "number": checked.number,
        "total_amount": checked.total_amount,
        "signed_on": checked.signed_on,
        "service_start": checked.service_start,
        "service_end": checked.service_end,
        "subsidisable_amount": checked.limit.subsidisable.amount,
        "annualised": checked.limit.subsidisable.annualised,
        "max_deduction": checked.limit.maximum,
        "deduction": checked.deduction,
        "own_payment": checked.own_payment,
    }


def _checked_record(
    locked: Order,
    account: QuotaAccount,
    terms: Terms,
    product: Product | None,
    counterparty_uscc: str | None,
) -> CheckedTerms:
    """The terms of a new contract, checked; every problem at once: the parties and the terms."""
    problems: dict[str, list[ValidationError]] = {}
    try:
        _check_parties(locked, product, counterparty_uscc)
    except ValidationError as exc:
        problems.update(exc.error_dict)
    try:
        checked = check_terms(
            order=locked, terms=terms, available=account.available, held=locked.subsidy_estimate
        )
    except ValidationError as exc:
        problems.update(exc.error_dict)
    if problems:
        raise ValidationError(problems)
    return checked


def _ask_to_confirm_recorded(locked: Order, contract: Contract, checked: CheckedTerms) -> None:
    """Ask the enterprise to confirm the recorded contract."""
    notify(
        recipients=active_members(locked.enterprise_id, "party.enterprise"),
        kind="contract_recorded",
        title=f"请确认服务合同：{locked.product.name}",
        body=(
            f"服务商已录入订单 {locked.number} 的服务合同：合同总金额 {format_cny(checked.total_amount)}，"
            f"服务券抵用额度 {format_cny(checked.deduction)}，企业自付额度 {format_cny(checked.own_payment)}。"
        ),
        url=_url(contract),
    )


def _ask_to_confirm_amended(locked: Contract, checked: CheckedTerms, reason: str) -> None:
    """Ask the enterprise to confirm the amended terms again."""
    notify(
        recipients=active_members(locked.enterprise_id, "party.enterprise"),
        kind="contract_amended",
        title=f"服务合同已变更，请重新确认：{locked.order.number}",
        body=(
            f"变更原因：{reason}。服务券抵用额度 {format_cny(checked.deduction)}，"
            f"企业自付额度 {format_cny(checked.own_payment)}。"
        ),
        url=_url(locked),
    )


def contract_record(
    *,
    actor: Any,
    order: Order,
    terms: Terms,
    product: Product | None = None,
    counterparty_uscc: str | None = None,
) -> Contract:
    """The provider records the signed contract of an accepted order (C1–C3, C5); this is its confirmation.

    Replaces the order's reservation with a commitment of the deduction in the same transaction.
    """
    can_record_contract(actor, order).enforce()
    with transaction.atomic():
        account = _lock_account(order)
        locked = (
            Order.objects.select_for_update(of=("self",))
            .select_related("programme", "product", "enterprise")
            .get(pk=order.pk)
        )
        if locked.status != OrderStatus.ACCEPTED:
            raise refuse(
                "order_not_accepted", f"订单当前状态为“{locked.get_status_display()}”，接单后才能录入合同。"
            )
        if Contract.objects.filter(order=locked).exists():
            raise refuse("contract_exists", "该订单已录入合同，如需修改请使用“变更合同”。")
        checked = _checked_record(locked, account, terms, product, counterparty_uscc)
        if _number_taken(locked.provider_id, checked.number):
            raise refuse("number_taken", "本单位已有相同编号的合同。", "number")
        now = clock.now()
        contract = Contract.objects.create(
            order=locked,
            programme_id=locked.programme_id,
            product_id=locked.product_id,
            enterprise_id=locked.enterprise_id,
            provider_id=locked.provider_id,
            **_terms_fields(checked),
            status=ContractStatus.RECORDED,
            recorded_at=now,
            recorded_by=actor,
        )
        quota_commit(
            actor=actor,
            account=account,
            amount=checked.deduction,
            reserved_amount=locked.subsidy_estimate,
            reference=locked.number,
            note=f"合同 {checked.number}",
        )
        audit_record(
            actor=actor,
            action="contract.recorded",
            obj=contract,
            after=snapshot(contract, CONTRACT_AUDIT_FIELDS),
        )
        _ask_to_confirm_recorded(locked, contract, checked)
        return contract


def contract_amend(*, actor: Any, contract: Contract, terms: Terms, reason: str) -> Contract:
    """The provider corrects a contract before the claim is filed (SPEC C 5. corrections).

    Everything is validated again; the quota commitment moves by the change in deduction; the
    enterprise must confirm the amended terms again.
    """
    can_amend_contract(actor, contract).enforce()
    reason = (reason or "").strip()
    if not reason:
        raise refuse("reason_required", "请填写变更原因。", "reason")
    with transaction.atomic():
        account = _lock_account(contract.order)
        locked = (
            Contract.objects.select_for_update(of=("self",))
            .select_related("order", "order__programme", "order__enterprise", "order__product")
            .get(pk=contract.pk)
        )
        if locked.claim_locked_at is not None:
            raise refuse("claim_locked", "已提交兑券申请，合同不能再变更。")
        new_status = transition(locked.status, ContractAction.AMEND)
        checked = check_terms(
            order=locked.order, terms=terms, available=account.available, held=locked.deduction
        )
        if _number_taken(locked.provider_id, checked.number, exclude=locked.pk):
            raise refuse("number_taken", "本单位已有相同编号的合同。", "number")
        before = snapshot(locked, CONTRACT_AUDIT_FIELDS)
        old_deduction = locked.deduction
        now = clock.now()
        for name, value in _terms_fields(checked).items():
            setattr(locked, name, value)
        locked.status = new_status
        locked.enterprise_confirmed_at = None
        locked.enterprise_confirmed_by = None
        locked.amended_at = now
        locked.amendment_count += 1
        locked.amendment_reason = reason[:300]
        locked.save()
        quota_adjust_commitment(
            actor=actor,
            account=account,
            old_amount=old_deduction,
            new_amount=checked.deduction,
            reference=locked.order.number,
            note=f"合同 {checked.number} 变更：抵用额度 {format_cny(old_deduction)} → {format_cny(checked.deduction)}",
        )
        audit_record(
            actor=actor,
            action="contract.amended",
            obj=locked,
            before=before,
            after=snapshot(locked, CONTRACT_AUDIT_FIELDS),
            note=reason,
        )
        _ask_to_confirm_amended(locked, checked, reason)
        return locked

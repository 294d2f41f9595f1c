"""Recording, confirming, amending and completing service contracts; ratings (SPEC C1–C7).

Locking order, the same in every service: the enterprise's quota account, then the order or the
contract, then the product. The maximum deduction is computed under the account's lock, so two
contracts of one enterprise recorded at the same moment are serialised and cannot together exceed
its quota.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count
from django.urls import reverse

from voucher.accounts.choices import Role
from voucher.accounts.models import Organisation, User
from voucher.catalogue.models import Product
from voucher.contracts.choices import RATING_CRITERIA, SCORE_MAX, SCORE_MIN, ContractAction, ContractStatus
from voucher.contracts.models import Contract, Rating
from voucher.contracts.permissions import (
    can_amend_contract,
    can_complete_contract,
    can_confirm_contract,
    can_rate,
    can_record_contract,
    can_reply_rating,
)
from voucher.contracts.rules import DeductionLimit, deduction_limit
from voucher.contracts.transitions import transition
from voucher.core import clock, periods
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import FieldErrors, positive_money
from voucher.core.money import MoneyError, format_cny, to_money
from voucher.core.notifications import notify
from voucher.core.text import clean_text, identifier_key
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.services import quota_adjust_commitment, quota_commit
from voucher.orders.choices import OrderStatus
from voucher.orders.models import Order

CONTRACT_AUDIT_FIELDS = [
    "number",
    "total_amount",
    "signed_on",
    "service_start",
    "service_end",
    "subsidisable_amount",
    "annualised",
    "max_deduction",
    "deduction",
    "own_payment",
    "status",
    "enterprise_confirmed_at",
    "completed_at",
    "amendment_count",
    "claim_locked_at",
]
RATING_AUDIT_FIELDS = ["quality", "responsiveness", "expertise", "overall", "comment", "reply"]
COMMENT_MAX = 500


def refuse(code: str, message: str, field: str = "__all__") -> ValidationError:
    """A refusal with a machine-readable code and the Chinese reason, attached to ``field``."""
    return ValidationError({field: ValidationError(message, code=code)})


def _members(organisation: Organisation | int, role: str) -> Any:
    return User.objects.filter(organisation=organisation, role=role, is_active=True)


def _url(contract: Contract) -> str:
    return reverse("contracts:detail", args=[contract.order.number])


@dataclass(frozen=True)
class Terms:
    """Contract terms as entered (before validation against the order and the quota)."""

    number: str
    total_amount: Any
    signed_on: dt.date | None
    service_start: dt.date | None
    service_end: dt.date | None
    deduction: Any
    own_payment: Any = None


@dataclass(frozen=True)
class CheckedTerms:
    number: str
    total_amount: Decimal
    signed_on: dt.date
    service_start: dt.date
    service_end: dt.date
    deduction: Decimal
    own_payment: Decimal
    limit: DeductionLimit


def order_day(order: Order) -> dt.date:
    """The order date in Beijing time (C3 compares contract dates with it)."""
    return clock.local(order.ordered_at).date()


def check_terms(*, order: Order, terms: Terms, available: Decimal, held: Decimal) -> CheckedTerms:
    """Validate the terms against the order and the quota (C1–C3, C5); every problem is reported at once.

    ``available`` is the enterprise's available quota (read under its lock) and ``held`` what this order
    already holds on it (its reservation, or the contract's current deduction when amending).
    """
    programme = order.programme
    errors = FieldErrors()
    number = clean_text(terms.number).strip()
    if not number:
        errors.add("number", "required", "请填写合同编号。")
    elif len(number) > 60:
        errors.add("number", "too_long", "合同编号不能超过60个字符。")
    total = positive_money(errors, "total_amount", terms.total_amount, "合同总金额")
    deduction = positive_money(errors, "deduction", terms.deduction, "服务券抵用额度")
    ordered_on = order_day(order)
    for field, label, day in (
        ("signed_on", "合同签订日期", terms.signed_on),
        ("service_start", "服务开始日期", terms.service_start),
    ):
        if day is None:
            errors.add(field, "required", f"请填写{label}。")
        elif day < ordered_on:
            errors.add(
                field,
                "before_order_date",
                f"{label}不得早于企业在线下单日期 {ordered_on:%Y-%m-%d}。",
            )
    if terms.service_end is None:
        errors.add("service_end", "required", "请填写服务结束日期。")
    elif terms.service_start is not None and terms.service_end < terms.service_start:
        errors.add("service_end", "end_before_start", "服务结束日期不能早于服务开始日期。")

    limit = None
    if total is not None and terms.service_start and terms.service_end and not errors.has("service_end"):
        limit = deduction_limit(
            total=total,
            start=terms.service_start,
            end=terms.service_end,
            max_months=programme.max_service_period_months,
            rate_cap=programme.subsidy_rate_cap,
            available=available,
            held=held,
        )
        if deduction is not None and deduction > limit.maximum:
            bound = (
                f"{programme.subsidy_rate_percent}% × 可补贴金额 {format_cny(limit.subsidisable.amount)}"
                if limit.rate_bound <= limit.quota_bound
                else "企业剩余可用额度"
            )
            errors.add(
                "deduction",
                "deduction_above_maximum",
                f"服务券抵用额度不能超过 {format_cny(limit.maximum)}（{bound}）。",
            )
    own = None
    if total is not None and deduction is not None:
        own = total - deduction
        if terms.own_payment not in (None, ""):
            try:
                entered = to_money(terms.own_payment)
            except MoneyError as exc:
                errors.add("own_payment", "invalid_amount", str(exc))
            else:
                if entered != own:
                    errors.add(
                        "own_payment",
                        "own_payment_mismatch",
                        f"企业自付额度应等于合同总金额减去服务券抵用额度，即 {format_cny(own)}。",
                    )
    errors.raise_any()
    assert limit is not None and total is not None and deduction is not None and own is not None
    assert terms.signed_on and terms.service_start and terms.service_end
    return CheckedTerms(
        number, total, terms.signed_on, terms.service_start, terms.service_end, deduction, own, limit
    )


def _check_parties(order: Order, product: Product | None, counterparty_uscc: str | None) -> None:
    """The contract is for the ordered product (C1) with the ordering enterprise (O8)."""
    errors = FieldErrors()
    if product is not None and product.pk != order.product_id:
        errors.add("product", "product_mismatch", f"合同服务产品必须是订单产品“{order.product.name}”。")
    uscc = (counterparty_uscc or "").strip().upper()
    if counterparty_uscc is not None and uscc != (order.enterprise.uscc or ""):
        errors.add(
            "counterparty_uscc",
            "counterparty_mismatch",
            f"合同甲方必须是下单企业“{order.enterprise.name}”（统一社会信用代码 {order.enterprise.uscc}）。",
        )
    errors.raise_any()


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
        # Every problem at once: the parties and the terms.
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
        if _number_taken(locked.provider_id, checked.number):
            raise refuse("number_taken", "本单位已有相同编号的合同。", "number")
        now = clock.now()
        contract = Contract.objects.create(
            order=locked,
            programme_id=locked.programme_id,
            product_id=locked.product_id,
            enterprise_id=locked.enterprise_id,
            provider_id=locked.provider_id,
            number=checked.number,
            total_amount=checked.total_amount,
            signed_on=checked.signed_on,
            service_start=checked.service_start,
            service_end=checked.service_end,
            subsidisable_amount=checked.limit.subsidisable.amount,
            annualised=checked.limit.subsidisable.annualised,
            max_deduction=checked.limit.maximum,
            deduction=checked.deduction,
            own_payment=checked.own_payment,
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
        notify(
            recipients=_members(locked.enterprise_id, Role.ENTERPRISE),
            kind="contract_recorded",
            title=f"请确认服务合同：{locked.product.name}",
            body=(
                f"服务商已录入订单 {locked.number} 的服务合同：合同总金额 {format_cny(checked.total_amount)}，"
                f"服务券抵用额度 {format_cny(checked.deduction)}，企业自付额度 {format_cny(checked.own_payment)}。"
            ),
            url=_url(contract),
        )
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
        locked.number = checked.number
        locked.total_amount = checked.total_amount
        locked.signed_on = checked.signed_on
        locked.service_start = checked.service_start
        locked.service_end = checked.service_end
        locked.subsidisable_amount = checked.limit.subsidisable.amount
        locked.annualised = checked.limit.subsidisable.annualised
        locked.max_deduction = checked.limit.maximum
        locked.deduction = checked.deduction
        locked.own_payment = checked.own_payment
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
        notify(
            recipients=_members(locked.enterprise_id, Role.ENTERPRISE),
            kind="contract_amended",
            title=f"服务合同已变更，请重新确认：{locked.order.number}",
            body=(
                f"变更原因：{reason}。服务券抵用额度 {format_cny(checked.deduction)}，"
                f"企业自付额度 {format_cny(checked.own_payment)}。"
            ),
            url=_url(locked),
        )
        return locked


def _move(*, contract: Contract, action: str) -> tuple[Contract, dict[str, Any]]:
    locked = (
        Contract.objects.select_for_update(of=("self",))
        .select_related("order", "product")
        .get(pk=contract.pk)
    )
    before = snapshot(locked, CONTRACT_AUDIT_FIELDS)
    locked.status = transition(locked.status, action)
    return locked, before


@transaction.atomic
def contract_confirm(*, actor: Any, contract: Contract) -> Contract:
    """The ordering enterprise confirms the recorded terms (deduction and own payment) before delivery."""
    can_confirm_contract(actor, contract).enforce()
    locked, before = _move(contract=contract, action=ContractAction.CONFIRM)
    locked.enterprise_confirmed_at = clock.now()
    locked.enterprise_confirmed_by = actor
    locked.save(update_fields=["status", "enterprise_confirmed_at", "enterprise_confirmed_by"])
    audit_record(
        actor=actor,
        action="contract.confirmed",
        obj=locked,
        before=before,
        after=snapshot(locked, CONTRACT_AUDIT_FIELDS),
    )
    notify(
        recipients=_members(locked.provider_id, Role.PROVIDER),
        kind="contract_confirmed",
        title=f"企业已确认合同：{locked.order.number}",
        body=f"{locked.product.name}：服务券抵用额度 {format_cny(locked.deduction)}，请按合同提供服务。",
        url=_url(locked),
    )
    return locked


@transaction.atomic
def contract_complete(*, actor: Any, contract: Contract) -> Contract:
    """The ordering enterprise confirms that the service was delivered (C7)."""
    can_complete_contract(actor, contract).enforce()
    locked, before = _move(contract=contract, action=ContractAction.COMPLETE)
    if clock.today() < locked.service_start:
        raise refuse(
            "service_not_started", f"服务开始日期为 {locked.service_start:%Y-%m-%d}，尚不能确认服务完成。"
        )
    locked.completed_at = clock.now()
    locked.save(update_fields=["status", "completed_at"])
    audit_record(
        actor=actor,
        action="contract.completed",
        obj=locked,
        before=before,
        after=snapshot(locked, CONTRACT_AUDIT_FIELDS),
    )
    notify(
        recipients=_members(locked.provider_id, Role.PROVIDER),
        kind="contract_completed",
        title=f"企业已确认服务完成：{locked.order.number}",
        body=f"{locked.product.name}：可按规定准备兑券材料。",
        url=_url(locked),
    )
    return locked


def contract_lock_for_claim(*, contract: Contract, actor: Any = None) -> Contract:
    """Freeze the contract when its redemption claim is filed (R4); amendments are refused from then on.

    Called by the claims feature inside its own transaction; idempotent.
    """
    with transaction.atomic():
        locked = Contract.objects.select_for_update(of=("self",)).select_related("order").get(pk=contract.pk)
        if locked.claim_locked_at is None:
            locked.claim_locked_at = clock.now()
            locked.save(update_fields=["claim_locked_at"])
            audit_record(
                actor=actor,
                action="contract.claim_locked",
                obj=locked,
                before={"claim_locked_at": None},
                after={"claim_locked_at": locked.claim_locked_at},
            )
        contract.claim_locked_at = locked.claim_locked_at
        return locked


# --- ratings (C7) ---------------------------------------------------------------------------------


def _scores(scores: dict[str, Any]) -> dict[str, int]:
    errors = FieldErrors()
    clean: dict[str, int] = {}
    for name, label in RATING_CRITERIA:
        value: Any = scores.get(name)
        number: int | None = None
        if value not in (None, "") and not isinstance(value, bool):
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = None
        if number is None or not SCORE_MIN <= number <= SCORE_MAX or str(value).strip() != str(number):
            errors.add(name, "invalid_score", f"请为“{label}”选择 {SCORE_MIN}–{SCORE_MAX} 分。")
        else:
            clean[name] = number
    comment = scores.get("comment") or ""
    if len(comment) > COMMENT_MAX:
        errors.add("comment", "too_long", f"评价内容不能超过{COMMENT_MAX}字。")
    errors.raise_any()
    return clean


def _refresh_product_rating(product_id: int) -> None:
    """Recompute the product's rating count and average of 总体满意度 (rounded half up to 0.01)."""
    Product.objects.select_for_update().filter(pk=product_id).values_list("pk", flat=True).first()
    summary = Rating.objects.filter(product_id=product_id).aggregate(n=Count("id"), avg=Avg("overall"))
    average = None
    if summary["n"]:
        average = Decimal(str(summary["avg"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    Product.objects.filter(pk=product_id).update(rating_count=summary["n"], rating_average=average)


def rating_create(*, actor: Any, contract: Contract, scores: dict[str, Any], comment: str = "") -> Rating:
    """The enterprise rates a completed service; the product's count and average change in the same transaction."""
    can_rate(actor, contract).enforce()
    clean = _scores({**scores, "comment": comment})
    with transaction.atomic():
        locked = (
            Contract.objects.select_for_update(of=("self",))
            .select_related("programme", "order", "product")
            .get(pk=contract.pk)
        )
        if locked.completed_at is None:
            raise refuse("not_completed", "确认服务完成后才能评价。")
        if Rating.objects.filter(contract=locked).exists():
            raise refuse("already_rated", "该服务已评价。")
        now = clock.now()
        rating = Rating.objects.create(
            contract=locked,
            product_id=locked.product_id,
            comment=comment.strip(),
            rated_at=now,
            rated_by=actor,
            editable_until=clock.end_of_day(
                periods.last_day(clock.local(now).date(), days=locked.programme.rating_edit_days)
            ),
            **clean,
        )
        _refresh_product_rating(locked.product_id)
        audit_record(
            actor=actor, action="rating.created", obj=rating, after=snapshot(rating, RATING_AUDIT_FIELDS)
        )
        notify(
            recipients=_members(locked.provider_id, Role.PROVIDER),
            kind="contract_rated",
            title=f"收到满意度评价：{locked.product.name}",
            body=f"订单 {locked.order.number}：总体满意度 {clean['overall']} 分。可回复一次。",
            url=_url(locked),
        )
        return rating


def rating_update(*, actor: Any, rating: Rating, scores: dict[str, Any], comment: str = "") -> Rating:
    """The enterprise changes its rating within the programme's ``rating_edit_days``."""
    can_rate(actor, rating.contract).enforce()
    clean = _scores({**scores, "comment": comment})
    with transaction.atomic():
        locked = Rating.objects.select_for_update(of=("self",)).select_related("contract").get(pk=rating.pk)
        if clock.now() > locked.editable_until:
            raise refuse(
                "rating_locked",
                f"评价已超过可修改期限（{clock.local(locked.editable_until):%Y-%m-%d %H:%M}），不能再修改。",
            )
        before = snapshot(locked, RATING_AUDIT_FIELDS)
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.comment = comment.strip()
        locked.edited_at = clock.now()
        locked.save()
        _refresh_product_rating(locked.product_id)
        audit_record(
            actor=actor,
            action="rating.updated",
            obj=locked,
            before=before,
            after=snapshot(locked, RATING_AUDIT_FIELDS),
        )
        return locked


def rating_reply(*, actor: Any, rating: Rating, reply: str) -> Rating:
    """The provider answers a rating, once."""
    can_reply_rating(actor, rating).enforce()
    text = (reply or "").strip()
    if not text:
        raise refuse("reply_required", "请填写回复内容。", "reply")
    if len(text) > COMMENT_MAX:
        raise refuse("too_long", f"回复不能超过{COMMENT_MAX}字。", "reply")
    with transaction.atomic():
        locked = (
            Rating.objects.select_for_update(of=("self",))
            .select_related("contract", "contract__order")
            .get(pk=rating.pk)
        )
        if locked.replied_at is not None:
            raise refuse("already_replied", "每条评价只能回复一次。", "reply")
        locked.reply = text
        locked.replied_at = clock.now()
        locked.replied_by = actor
        locked.save(update_fields=["reply", "replied_at", "replied_by"])
        audit_record(
            actor=actor, action="rating.replied", obj=locked, before={"reply": ""}, after={"reply": text}
        )
        notify(
            recipients=_members(locked.contract.enterprise_id, Role.ENTERPRISE),
            kind="rating_replied",
            title=f"服务商回复了您的评价：{locked.contract.order.number}",
            body=text[:200],
            url=_url(locked.contract),
        )
        return locked

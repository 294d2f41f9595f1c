"""Drafting a claim: opening it for a confirmed contract and saving the invoice and bank-receipt data
(R3), with the provider's corrections of what was read from the files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from voucher.claims.choices import (
    ClaimAction,
    ClaimStatus,
)
from voucher.claims.models import (
    Claim,
    ClaimDecision,
    normalise_invoice_number,
)
from voucher.claims.permissions import can_edit_claim, can_file_claim
from voucher.claims.prechecks import invoice_reading
from voucher.claims.services.common import (
    CLAIM_AUDIT_FIELDS,
    CLAIMABLE_CONTRACT_STATUSES,
    _check_window,
    _lock_claim,
    _new_claim,
    _touch,
    refuse,
)
from voucher.claims.transitions import transition
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import FieldErrors, positive_money
from voucher.core.text import clean_text


def claim_start(*, actor: Any, contract: Contract) -> Claim:
    """The provider opens the claim of a contract confirmed by both parties (idempotent: returns the
    existing claim). Refused outside the claim period, with the date."""
    can_file_claim(actor, contract).enforce()
    with transaction.atomic():
        locked = (
            Contract.objects.select_for_update(of=("self",))
            .select_related("programme", "order")
            .get(pk=contract.pk)
        )
        existing = Claim.objects.filter(contract=locked).first()
        if existing is not None:
            return existing
        if locked.status not in CLAIMABLE_CONTRACT_STATUSES:
            raise refuse(
                "contract_not_confirmed",
                f"合同当前状态为“{locked.get_status_display()}”，企业确认合同后方可申请兑券。",
            )
        _check_window(locked)
        claim = _new_claim(locked, actor, ClaimStatus.DRAFT)
        ClaimDecision.objects.create(
            claim=claim, action=ClaimAction.EDIT, at=claim.created_at, actor=actor, reason="创建兑券申请"
        )
        audit_record(
            actor=actor, action="claim.started", obj=claim, after=snapshot(claim, CLAIM_AUDIT_FIELDS)
        )
        return claim


@dataclass(frozen=True)
class ClaimData:
    """Invoice and bank-receipt data as entered by the provider (R3)."""

    invoice_number: str
    invoice_date: dt.date | None
    invoice_amount: Any
    receipt_date: dt.date | None
    receipt_amount: Any
    receipt_reference: str = ""


def _invoice_taken(normalised: str, claim: Claim) -> bool:
    return Claim.objects.filter(invoice_number_normalised=normalised).exclude(pk=claim.pk).exists()


def _checked_data(locked: Claim, data: ClaimData) -> dict[str, Any]:
    """The claim fields from the entered data, every problem reported at once at its field."""
    errors = FieldErrors()
    number = (data.invoice_number or "").strip()
    normalised = normalise_invoice_number(number)
    if not normalised:
        errors.add("invoice_number", "required", "请填写发票号码。")
    elif len(number) > 40:
        errors.add("invoice_number", "too_long", "发票号码不能超过40个字符。")
    elif _invoice_taken(normalised, locked):
        errors.add(
            "invoice_number",
            "invoice_number_taken",
            f"发票号码 {number} 已用于其他兑券申请，同一张发票不能重复兑券。",
        )
    signed = locked.contract.signed_on
    today = clock.today()
    for field, label, day in (
        ("invoice_date", "开票日期", data.invoice_date),
        ("receipt_date", "银行收款日期", data.receipt_date),
    ):
        if day is None:
            errors.add(field, "required", f"请填写{label}。")
        elif day < signed:
            errors.add(field, "date_before_contract", f"{label}不得早于合同签订日期 {signed:%Y-%m-%d}。")
        elif day > today:
            errors.add(field, "date_in_future", f"{label}不能晚于今天（{today:%Y-%m-%d}）。")
    reference = clean_text(data.receipt_reference).strip()
    if len(reference) > 60:
        errors.add("receipt_reference", "too_long", "银行回单编号不能超过60个字符。")
    invoice_amount = positive_money(errors, "invoice_amount", data.invoice_amount, "发票金额")
    receipt_amount = positive_money(errors, "receipt_amount", data.receipt_amount, "银行收款金额")
    errors.raise_any()
    return {
        "invoice_number": number,
        "invoice_number_normalised": normalised,
        "invoice_date": data.invoice_date,
        "invoice_amount": invoice_amount,
        "receipt_date": data.receipt_date,
        "receipt_amount": receipt_amount,
        "receipt_reference": reference,
    }


def claim_update_data(*, actor: Any, claim: Claim, data: ClaimData) -> Claim:
    """Save the invoice number, date and amount and the bank-receipt date and amount; every problem is
    reported at once at its field. Dates may not be earlier than the contract signing date (R3); an
    invoice number already used by another claim is refused."""
    can_edit_claim(actor, claim).enforce()
    with transaction.atomic():
        locked = _lock_claim(claim)
        can_edit_claim(actor, locked).enforce()
        transition(locked.status, ClaimAction.EDIT)
        _check_window(locked.contract, what="修改兑券申请")
        values = _checked_data(locked, data)
        number = values["invoice_number"]
        before = snapshot(locked, CLAIM_AUDIT_FIELDS)
        if all(getattr(locked, name) == value for name, value in values.items()):
            _record_corrections(actor, locked)  # a reading that arrived since is still compared
            return locked  # saved unchanged: the claim and its revision stay as they were
        for name, value in values.items():
            setattr(locked, name, value)
        try:
            with transaction.atomic():
                _touch(locked, list(values))
        except IntegrityError:
            # Another claim took the number between our check and the write.
            raise refuse(
                "invoice_number_taken",
                f"发票号码 {number} 已用于其他兑券申请，同一张发票不能重复兑券。",
                "invoice_number",
            ) from None
        audit_record(
            actor=actor,
            action="claim.data_saved",
            obj=locked,
            before=before,
            after=snapshot(locked, CLAIM_AUDIT_FIELDS),
        )
        _record_corrections(actor, locked)
        return locked


def _entered_values(claim: Claim) -> dict[str, Any]:
    """The claim's invoice data keyed by the reading field it confirms or corrects."""
    return {
        "invoice_number": claim.invoice_number_normalised,
        "issue_date": claim.invoice_date,
        "total": claim.invoice_amount,
    }


def _record_corrections(actor: Any, claim: Claim) -> None:
    """Compare the saved invoice data with the invoice reading; record each extracted value the provider
    changed (and forget a correction the provider has undone), with an audit event per change."""
    row = invoice_reading(claim)
    if row is None or not row.readable:
        return
    read = {
        "invoice_number": row.invoice_number_normalised,
        "issue_date": row.issue_date,
        "total": row.total,
    }
    corrections = dict(row.corrections)
    for field, entered in _entered_values(claim).items():
        value = read[field]
        if value in (None, "") or entered == value:
            corrections.pop(field, None)
            continue
        shown = {"read": str(value), "entered": str(entered) if entered is not None else None}
        if {k: corrections.get(field, {}).get(k) for k in shown} != shown:
            corrections[field] = {**shown, "at": clock.now().isoformat()}
            audit_record(
                actor=actor,
                action="claim.invoice_reading_corrected",
                obj=claim,
                before={"field": field, "value": shown["read"]},
                after={"field": field, "value": shown["entered"]},
            )
    if corrections != row.corrections:
        row.corrections = corrections
        row.save(update_fields=["corrections"])

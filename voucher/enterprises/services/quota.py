"""The quota ledger (E6): opening an enterprise's account for the year and moving amounts between the
available, reserved, committed and paid buckets, each move a ledger entry.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from voucher.accounts.models import Organisation
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.money import format_cny, to_money
from voucher.enterprises.choices import (
    LedgerKind,
)
from voucher.enterprises.models import (
    QuotaAccount,
    QuotaLedgerEntry,
    QuotaTier,
)
from voucher.enterprises.permissions import (
    can_move_quota,
)
from voucher.programmes.models import ProgrammeYear


def quota_cap_for(
    programme: ProgrammeYear, tier: QuotaTier | None = None
) -> tuple[QuotaTier | None, Decimal]:
    """The tier and annual cap an enterprise gets: the given tier, the year's default tier, else the year's cap."""
    tier = tier or QuotaTier.objects.filter(programme=programme, is_default=True).first()
    return tier, (tier.cap if tier else programme.annual_cap_per_enterprise)


@transaction.atomic
def quota_account_open(
    *, actor: Any, organisation: Organisation, programme: ProgrammeYear, tier: QuotaTier | None = None
) -> QuotaAccount:
    """Open the enterprise's account for the year with the tier's cap as the first (grant) entry."""
    can_move_quota(actor, organisation).enforce()
    if QuotaAccount.objects.filter(organisation=organisation, programme=programme).exists():
        raise ValidationError(
            ValidationError(f"该企业已有 {programme.year} 年度额度账户。", code="quota_exists")
        )
    tier, cap = quota_cap_for(programme, tier)
    account = QuotaAccount.objects.create(
        organisation=organisation,
        programme=programme,
        tier=tier,
        cap=cap,
        available=cap,
        opened_at=clock.now(),
    )
    _entry(
        account,
        LedgerKind.GRANT,
        cap,
        actor,
        "",
        f"{programme.year} 年度额度（{tier.name if tier else '默认'}）",
    )
    audit_record(actor=actor, action="quota.opened", obj=account, after=snapshot(account))
    return account


def _entry(
    account: QuotaAccount, kind: str, amount: Decimal, actor: Any, reference: str, note: str
) -> QuotaLedgerEntry:
    return QuotaLedgerEntry.objects.create(
        account=account,
        kind=kind,
        amount=amount,
        balance_after=account.available,
        reserved_after=account.reserved,
        committed_after=account.committed,
        paid_after=account.paid,
        reference=reference,
        note=note,
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
    )


BUCKET_LABELS = {
    "available": "可用额度",
    "reserved": "预占额度",
    "committed": "合同确认额度",
    "paid": "已兑付额度",
}


def _move(
    *,
    actor: Any,
    account: QuotaAccount,
    kind: str,
    amount: Any,
    reference: str,
    note: str,
    reserved: Decimal = Decimal("0"),
    committed: Decimal = Decimal("0"),
    paid: Decimal = Decimal("0"),
    locked_by_caller: bool = False,
) -> QuotaLedgerEntry:
    locked = (
        account
        if locked_by_caller
        else QuotaAccount.objects.select_for_update(of=("self",))
        .select_related("organisation", "programme")
        .get(pk=account.pk)
    )
    can_move_quota(actor, locked.organisation).enforce()
    before = snapshot(locked, ["reserved", "committed", "paid", "available"])
    new = {
        "reserved": locked.reserved + reserved,
        "committed": locked.committed + committed,
        "paid": locked.paid + paid,
    }
    new["available"] = locked.cap - new["reserved"] - new["committed"] - new["paid"]
    for bucket, value in new.items():
        if value < 0:
            have = getattr(locked, bucket)
            raise ValidationError(
                {
                    "amount": ValidationError(
                        f"{BUCKET_LABELS[bucket]}不足：当前 {format_cny(have)}。",
                        code=f"quota_{bucket}_insufficient",
                    )
                }
            )
    for bucket, value in new.items():
        setattr(locked, bucket, value)
    locked.save(update_fields=list(new))
    entry = _entry(locked, kind, to_money(amount), actor, reference, note)
    account.reserved, account.committed, account.paid, account.available = (
        locked.reserved,
        locked.committed,
        locked.paid,
        locked.available,
    )
    audit_record(
        actor=actor,
        action=f"quota.{kind}",
        obj=locked,
        before=before,
        after=snapshot(locked, ["reserved", "committed", "paid", "available"]),
        note=f"{reference} {note}".strip(),
    )
    return entry


def _positive(amount: Any, field: str = "amount") -> Decimal:
    value = to_money(amount)
    if value <= 0:
        raise ValidationError({field: ValidationError("金额必须大于 0。", code="amount_not_positive")})
    return value


def quota_reserve(
    *, actor: Any, account: QuotaAccount, amount: Any, reference: str, note: str = "", locked: bool = False
) -> QuotaLedgerEntry:
    """Reserve ``amount`` for an open order (O5); refused when it exceeds the available quota.

    ``locked=True``: the caller's transaction already holds ``account`` with ``SELECT … FOR UPDATE``
    (read after the lock, unchanged since), so it is not read again, and a refusal aborts the caller's
    transaction (no savepoint of its own).
    """
    value = _positive(amount)
    with transaction.atomic(savepoint=not locked):
        return _move(
            actor=actor,
            account=account,
            kind=LedgerKind.RESERVE,
            amount=value,
            reference=reference,
            note=note,
            reserved=value,
            locked_by_caller=locked,
        )


@transaction.atomic
def quota_release(
    *, actor: Any, account: QuotaAccount, amount: Any, reference: str, note: str = ""
) -> QuotaLedgerEntry:
    """Give back a reservation (order cancelled, declined or not accepted in time — O6, O7)."""
    value = _positive(amount)
    return _move(
        actor=actor,
        account=account,
        kind=LedgerKind.RELEASE,
        amount=value,
        reference=reference,
        note=note,
        reserved=-value,
    )


@transaction.atomic
def quota_commit(
    *, actor: Any, account: QuotaAccount, amount: Any, reserved_amount: Any, reference: str, note: str = ""
) -> QuotaLedgerEntry:
    """Replace an order's reservation (``reserved_amount``) by the contract's deduction (``amount``, C2)."""
    value = _positive(amount)
    held = to_money(reserved_amount)
    return _move(
        actor=actor,
        account=account,
        kind=LedgerKind.COMMIT,
        amount=value,
        reference=reference,
        note=note,
        reserved=-held,
        committed=value,
    )


@transaction.atomic
def quota_pay(
    *, actor: Any, account: QuotaAccount, amount: Any, committed_amount: Any, reference: str, note: str = ""
) -> QuotaLedgerEntry:
    """Pay out ``amount`` (≤ the contract's committed deduction, R6); the unpaid rest returns to available."""
    value = _positive(amount)
    held = to_money(committed_amount)
    if value > held:
        raise ValidationError(
            {
                "amount": ValidationError(
                    "兑付金额不能超过合同约定的服务券抵用额度。", code="payout_above_commit"
                )
            }
        )
    return _move(
        actor=actor,
        account=account,
        kind=LedgerKind.PAY,
        amount=value,
        reference=reference,
        note=note,
        committed=-held,
        paid=value,
    )


@transaction.atomic
def quota_claw_back(
    *, actor: Any, account: QuotaAccount, amount: Any, reference: str, note: str = ""
) -> QuotaLedgerEntry:
    """Record subsidy recovered after payout (M1): the paid total falls and the quota becomes available again."""
    value = _positive(amount)
    return _move(
        actor=actor,
        account=account,
        kind=LedgerKind.CLAWBACK,
        amount=value,
        reference=reference,
        note=note,
        paid=-value,
    )


@transaction.atomic
def quota_adjust_commitment(
    *, actor: Any, account: QuotaAccount, old_amount: Any, new_amount: Any, reference: str, note: str = ""
) -> QuotaLedgerEntry | None:
    """Change a contract's committed deduction from ``old_amount`` to ``new_amount`` (contract amended, C2).

    The difference moves between committed and available; an increase beyond the available quota is
    refused. Recorded as a commitment entry of the difference; nothing is written when nothing changes.
    """
    old, new = to_money(old_amount), to_money(new_amount)
    if new <= 0:
        raise ValidationError({"amount": ValidationError("金额必须大于 0。", code="amount_not_positive")})
    if old == new:
        return None
    return _move(
        actor=actor,
        account=account,
        kind=LedgerKind.COMMIT,
        amount=abs(new - old),
        reference=reference,
        note=(note or f"合同变更：抵用额度 {format_cny(old)} → {format_cny(new)}")[:300],
        committed=new - old,
    )


@transaction.atomic
def quota_release_commitment(
    *, actor: Any, account: QuotaAccount, amount: Any, reference: str, note: str = ""
) -> QuotaLedgerEntry:
    """Give back a contract's committed deduction that will never be paid (claim waived or order void, R5/R6)."""
    value = _positive(amount)
    return _move(
        actor=actor,
        account=account,
        kind=LedgerKind.RELEASE,
        amount=value,
        reference=reference,
        note=note,
        committed=-value,
    )

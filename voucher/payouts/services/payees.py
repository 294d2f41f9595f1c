"""The providers' payee accounts (收款账户, SPEC R7): registering and changing one, the batches that
lock it, and the copy each published item keeps of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from voucher.accounts.models import Organisation
from voucher.accounts.selectors import active_members
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import refuse
from voucher.core.notifications import notify
from voucher.core.text import clean_text
from voucher.payouts import permissions
from voucher.payouts.choices import (
    LIVE_ITEM_STATUSES,
    PAYEE_LOCKING_BATCH_STATUSES,
    ItemStatus,
)
from voucher.payouts.models import PayeeAccount, PayoutBatch, PayoutItem
from voucher.payouts.services.common import _admins

PAYEE_FIELDS = ["account_name", "bank_name", "branch_name", "account_number"]


def payee_audit_view(account: PayeeAccount | None) -> dict[str, Any] | None:
    """The account as the audit log keeps it: the number masked to its last four digits."""
    if account is None:
        return None
    return {**snapshot(account, PAYEE_FIELDS), "account_number": account.masked_number}


def payee_locking_batches(organisation: Organisation) -> list[str]:
    """Numbers of the batches under notice, approved or being paid that hold an unpaid item of
    ``organisation``: they pay the account copied at publication, so the account may not change."""
    return list(
        PayoutBatch.objects.filter(
            status__in=PAYEE_LOCKING_BATCH_STATUSES,
            items__provider=organisation,
            items__status__in=[ItemStatus.PENDING, ItemStatus.BLOCKED],
        )
        .distinct()
        .order_by("number")
        .values_list("number", flat=True)
    )


def _payee_values(organisation: Organisation, **given: str) -> dict[str, str]:
    values = {
        "account_name": clean_text(given["account_name"]).strip() or organisation.name,
        "bank_name": clean_text(given["bank_name"]).strip(),
        "branch_name": clean_text(given["branch_name"]).strip(),
        "account_number": "".join(clean_text(given["account_number"]).split()),
    }
    errors: dict[str, list[ValidationError]] = {}
    if not values["bank_name"]:
        errors["bank_name"] = [ValidationError("请填写开户银行。", code="required")]
    elif len(values["bank_name"]) > 200:
        errors["bank_name"] = [ValidationError("开户银行不能超过200字。", code="too_long")]
    if len(values["branch_name"]) > 200:
        errors["branch_name"] = [ValidationError("开户网点不能超过200字。", code="too_long")]
    if len(values["account_name"]) > 200:
        errors["account_name"] = [ValidationError("账户名称不能超过200字。", code="too_long")]
    number = values["account_number"]
    if not number:
        errors["account_number"] = [ValidationError("请填写银行账号。", code="required")]
    elif not number.isdigit() or not 8 <= len(number) <= 40:
        errors["account_number"] = [ValidationError("银行账号应为 8–40 位数字。", code="invalid_account")]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def payee_account_save(
    *,
    actor: Any,
    organisation: Organisation,
    account_name: str,
    bank_name: str,
    account_number: str,
    branch_name: str = "",
) -> PayeeAccount:
    """The provider (or the Bureau) records the bank account payouts go to; the account name defaults to
    the provider's registered name.

    An account already registered cannot change while a batch under notice, approved or being paid
    holds an unpaid item of the provider (those items pay the account copied at publication). A first
    registration in that time fills the copy of those items, which had none. Every change is audited
    (account number masked), told to the provider's other users and to the Bureau, and shown to
    reviewers as a risk flag on the provider's claims.
    """
    permissions.can_edit_payee(actor, organisation).enforce()
    values = _payee_values(
        organisation,
        account_name=account_name,
        bank_name=bank_name,
        branch_name=branch_name,
        account_number=account_number,
    )
    # Publishing locks the providers of its batch too, so a change and a publication never cross.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    account = PayeeAccount.objects.select_for_update().filter(organisation=organisation).first()
    if account is not None and all(getattr(account, k) == v for k, v in values.items()):
        return account
    locking = payee_locking_batches(organisation)
    if account is not None and locking:
        raise refuse(
            "payee_locked",
            f"本单位有兑付批次正在公示、已批准拨付或支付中（{'、'.join(locking)}），支付文件按公示时的"
            "收款账户付款；这些款项支付完成前不能修改收款账户。如账户确有问题，请联系市经信局。",
            "account_number",
        )
    before = payee_audit_view(account)
    old_number = account.account_number if account else ""
    now = clock.now()
    account = _store_payee(actor, organisation, account, values, now)
    filled = _fill_locked_items(account, locking, now) if locking else 0
    _audit_payee(actor, account, before, old_number=old_number, filled=filled)
    _notify_payee_change(actor, account, first=before is None)
    return account


def _store_payee(
    actor: Any,
    organisation: Organisation,
    account: PayeeAccount | None,
    values: dict[str, str],
    now: dt.datetime,
) -> PayeeAccount:
    """Save ``values`` on the provider's account (a new one at the first registration)."""
    if account is None:
        account = PayeeAccount(organisation=organisation)
    else:
        account.changed_at = now
    for key, value in values.items():
        setattr(account, key, value)
    account.updated_at = now
    account.updated_by = actor
    account.save()
    return account


def _fill_locked_items(account: PayeeAccount, locking: list[str], now: dt.datetime) -> int:
    """A first registration while batches hold the provider's items fills those items' empty copy."""
    return PayoutItem.objects.filter(
        batch__number__in=locking,
        provider_id=account.organisation_id,
        status__in=[ItemStatus.PENDING, ItemStatus.BLOCKED],
        payee_account_number="",
    ).update(**_payee_copy(account), payee_captured_at=now)


def _audit_payee(
    actor: Any, account: PayeeAccount, before: dict[str, Any] | None, *, old_number: str, filled: int
) -> None:
    after: dict[str, Any] = payee_audit_view(account) or {}
    if old_number != account.account_number:
        # Two numbers can share their last four digits; the log still says the number changed.
        after["account_number_changed"] = True
    if filled:
        after["items_filled"] = filled
    audit_record(
        actor=actor,
        action="payee.saved",
        obj=account,
        before=before,
        after=after,
        note="首次登记收款账户" if before is None else "变更收款账户",
    )


def _notify_payee_change(actor: Any, account: PayeeAccount, *, first: bool) -> None:
    """The provider's other users and the Bureau learn of every registration or change."""
    verb = "登记" if first else "变更"
    who = actor.get_username() if getattr(actor, "pk", None) else "系统"
    body = (
        f"{who} 于 {clock.local(account.updated_at):%Y-%m-%d %H:%M} {verb}收款账户：{account.account_name}，"
        f"{account.bank_name}{account.branch_name}，账号 {account.masked_number}。"
    )
    title = f"{account.organisation.name} {verb}了收款账户"[:200]
    others = [u for u in active_members(account.organisation_id, "party.provider") if u.pk != actor.pk]
    notify(
        recipients=others,
        kind="payee.changed",
        title=title,
        body=body + "如非本单位操作，请立即联系市经信局。",
        url="/payouts/payee/",
    )
    notify(
        recipients=[u for u in _admins() if u.pk != actor.pk],
        kind="payee.changed",
        title=title,
        body=body + "审核该服务商的兑券申请时将显示风险提示。",
        url="/payouts/batches/",
    )


def _payee_copy(account: PayeeAccount) -> dict[str, str]:
    return {
        "payee_account_name": account.account_name,
        "payee_bank_name": account.bank_name,
        "payee_branch_name": account.branch_name,
        "payee_account_number": account.account_number,
    }


def _capture_payees(batch: PayoutBatch) -> None:
    """Copy each provider's payee account into the batch's live items, in one UPDATE; the providers are
    locked first, as :func:`payee_account_save` locks its provider, so a change saved at the same moment
    is either copied or refused."""
    providers = PayoutItem.objects.filter(batch=batch).values("provider_id")
    list(Organisation.objects.select_for_update().filter(pk__in=providers).order_by("pk").values("pk"))
    live = PayeeAccount.objects.filter(organisation_id=OuterRef("provider_id"))
    PayoutItem.objects.filter(batch=batch, status__in=LIVE_ITEM_STATUSES).update(
        **{f"payee_{name}": Coalesce(Subquery(live.values(name)[:1]), Value("")) for name in PAYEE_FIELDS},
        payee_captured_at=batch.published_at,
    )

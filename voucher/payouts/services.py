"""Payout batches (分批兑付, SPEC R7): batching approved claims, the public notice and its objections,
approval for disbursement, the payment file and recording payments; the providers' payee accounts.

Quota ledger: a claim's approved payout stays committed on the enterprise's account until a batch marks
its item paid, which moves it committed → paid with :func:`quota_pay` in the same transaction as the
item, so a failure part-way leaves nothing paid.

Locking order: the batch, then its items, then (through the ledger service) the quota accounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from voucher.accounts.models import Organisation, User
from voucher.accounts.selectors import active_members, active_users_with
from voucher.core import clock, periods
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import refuse
from voucher.core.money import format_cny
from voucher.core.notifications import notify
from voucher.core.text import clean_text
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.services import quota_pay
from voucher.payouts import permissions
from voucher.payouts.choices import (
    LIVE_ITEM_STATUSES,
    PAYEE_LOCKING_BATCH_STATUSES,
    BatchAction,
    BatchStatus,
    ItemAction,
    ItemStatus,
)
from voucher.payouts.export import ExportResult, write_payment_file
from voucher.payouts.models import PayeeAccount, PayoutBatch, PayoutItem
from voucher.payouts.selectors import BatchFilters, batchable_claims, live_totals
from voucher.payouts.transitions import ITEM, transition
from voucher.programmes.models import ProgrammeYear
from voucher.reviews import objections
from voucher.reviews.choices import ObjectionStatus
from voucher.reviews.models import Objection
from voucher.reviews.objections import ObjectionKind

BATCH_AUDIT_FIELDS = [
    "status",
    "title",
    "item_count",
    "total_amount",
    "notice_days",
    "notice_starts_on",
    "notice_ends_on",
    "approved_at",
    "exported_at",
    "export_count",
    "paid_at",
    "cancelled_at",
    "cancel_reason",
]
ITEM_AUDIT_FIELDS = ["status", "amount", "paid_on", "payment_reference", "removed_reason"]
REASON_MAX = 1000


def _admins() -> list[User]:
    return list(active_users_with("payouts.manage"))


def batch_url(batch: PayoutBatch) -> str:
    return f"/payouts/batches/{batch.pk}/"


def public_url(batch: PayoutBatch) -> str:
    return f"/payouts/public/{batch.pk}/"


def _lock(batch: PayoutBatch) -> PayoutBatch:
    return PayoutBatch.objects.select_for_update(of=("self",)).select_related("programme").get(pk=batch.pk)


def _recount(batch: PayoutBatch) -> None:
    totals = live_totals(batch)
    batch.item_count, batch.total_amount = totals.count, totals.total
    batch.save(update_fields=["item_count", "total_amount"])


def _notify_parties(items: Iterable[PayoutItem], *, kind: str, title: str, body: str, url: str) -> None:
    rows = list(items)
    notify(
        recipients=[
            *active_members({i.provider_id for i in rows}, "party.provider"),
            *active_members({i.enterprise_id for i in rows}, "party.enterprise"),
        ],
        kind=kind,
        title=title,
        body=body,
        url=url,
    )


# --- payee accounts ---------------------------------------------------------------------------------


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
    if account is None:
        account = PayeeAccount(organisation=organisation)
    else:
        account.changed_at = now
    for key, value in values.items():
        setattr(account, key, value)
    account.updated_at = now
    account.updated_by = actor
    account.save()
    filled = 0
    if locking:
        filled = PayoutItem.objects.filter(
            batch__number__in=locking,
            provider=organisation,
            status__in=[ItemStatus.PENDING, ItemStatus.BLOCKED],
            payee_account_number="",
        ).update(**_payee_copy(account), payee_captured_at=now)
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
    _notify_payee_change(actor, account, first=before is None)
    return account


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


# --- batches ----------------------------------------------------------------------------------------


def _next_number(programme: ProgrammeYear) -> str:
    ProgrammeYear.objects.select_for_update().filter(pk=programme.pk).first()
    sequence = PayoutBatch.objects.filter(programme=programme).count() + 1
    return f"ZF{programme.year}-{sequence:03d}"


def check_filters(filters: BatchFilters) -> None:
    """Decision dates in order (the form and the API show the error at the end date)."""
    if filters.decided_from and filters.decided_to and filters.decided_from > filters.decided_to:
        raise refuse("dates_reversed", "审核通过日期的结束日不能早于开始日。", "decided_to")


def payout_batch_create(*, actor: Any, filters: BatchFilters, title: str = "") -> PayoutBatch:
    """Group the approved, not-yet-batched claims matching ``filters`` into a draft batch. Each item
    freezes the claim's approved payout; a claim already in another live batch is refused by the
    database, so two admins batching at once cannot pay a claim twice."""
    permissions.can_manage_payouts(actor).enforce()
    check_filters(filters)
    text = (title or "").strip()
    if len(text) > 200:
        raise refuse("too_long", "批次名称不能超过200字。", "title")
    programme = ProgrammeYear.objects.filter(pk=filters.programme_id).first()
    if programme is None:
        raise refuse("invalid_programme", "请选择年度。", "programme")
    try:
        with transaction.atomic():
            claims = list(batchable_claims(filters).select_related("order"))
            if not claims:
                raise refuse("no_claims", "没有符合条件、尚未编入批次的审核通过兑券申请。")
            number = _next_number(programme)
            now = clock.now()
            batch = PayoutBatch.objects.create(
                number=number,
                programme=programme,
                title=text or f"{programme.year}年度服务券兑付（{number}）",
                filters=filters.as_json(),
                created_at=now,
                created_by=actor,
            )
            assert all(c.approved_payout for c in claims)
            PayoutItem.objects.bulk_create(
                [
                    PayoutItem(
                        batch=batch,
                        claim=c,
                        provider_id=c.provider_id,
                        enterprise_id=c.enterprise_id,
                        amount=c.approved_payout,
                    )
                    for c in claims
                ]
            )
            _recount(batch)
            audit_record(
                actor=actor,
                action="payout_batch.created",
                obj=batch,
                after={
                    **snapshot(batch, ["number", "title", "item_count", "total_amount", "filters"]),
                    "orders": [c.order.number for c in claims],
                },
            )
            return batch
    except IntegrityError:
        raise refuse("claim_already_batched", "部分兑券申请刚被编入其他批次，请重新预览后再创建。") from None


@transaction.atomic
def payout_item_remove(*, actor: Any, item: PayoutItem, reason: str) -> PayoutItem:
    """Take a claim out of a draft batch (it can be batched again later)."""
    batch = _lock(item.batch)
    permissions.can_edit_batch(actor, batch).enforce()
    transition(batch.status, BatchAction.EDIT)
    locked = PayoutItem.objects.select_for_update().get(pk=item.pk, batch=batch)
    text = (reason or "").strip()
    if not text:
        raise refuse("reason_required", "请填写移出原因。", "reason")
    if locked.status == ItemStatus.REMOVED:
        raise refuse("already_removed", "该明细已移出批次。")
    before = snapshot(locked, ITEM_AUDIT_FIELDS)
    ITEM.move(locked, ItemAction.REMOVE)
    locked.removed_at = clock.now()
    locked.removed_reason = text[:REASON_MAX]
    locked.save(update_fields=["status", "removed_at", "removed_reason"])
    _recount(batch)
    audit_record(
        actor=actor,
        action="payout_item.removed",
        obj=locked,
        before=before,
        after=snapshot(locked, ITEM_AUDIT_FIELDS),
    )
    return locked


@transaction.atomic
def payout_batch_cancel(*, actor: Any, batch: PayoutBatch, reason: str) -> PayoutBatch:
    """Cancel a draft: its claims are released for another batch."""
    locked = _lock(batch)
    permissions.can_edit_batch(actor, locked).enforce()
    new_status = transition(locked.status, BatchAction.CANCEL)
    text = (reason or "").strip()
    if not text:
        raise refuse("reason_required", "请填写取消原因。", "reason")
    before = snapshot(locked, BATCH_AUDIT_FIELDS)
    now = clock.now()
    ITEM.move_rows(
        PayoutItem.objects.filter(batch=locked),
        ItemAction.REMOVE,
        removed_at=now,
        removed_reason="批次已取消",
    )
    locked.status = new_status
    locked.cancelled_at = now
    locked.cancel_reason = text[:REASON_MAX]
    locked.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    _recount(locked)
    audit_record(
        actor=actor,
        action="payout_batch.cancelled",
        obj=locked,
        before=before,
        after=snapshot(locked, BATCH_AUDIT_FIELDS),
        note=text,
    )
    return locked


def notice_end(starts_on: dt.date, days: int) -> dt.date:
    """The notice runs ``payout_notice_days`` calendar days counted from the day after its publication day
    (as product notices do; 民法典 Art. 201)."""
    return periods.last_day(starts_on, days=days)


@transaction.atomic
def payout_batch_publish(*, actor: Any, batch: PayoutBatch, starts_on: dt.date | None = None) -> PayoutBatch:
    """Publish the batch as a public notice for the year's ``payout_notice_days``; providers and
    enterprises of its claims are told. Each item keeps a copy of its provider's payee account, which
    the payment file pays."""
    locked = _lock(batch)
    permissions.can_publish_batch(actor, locked).enforce()
    new_status = transition(locked.status, BatchAction.PUBLISH)
    today = clock.today()
    start = starts_on or today
    if start < today:
        raise refuse("start_in_past", "公示开始日不能早于今天。", "starts_on")
    before = snapshot(locked, BATCH_AUDIT_FIELDS)
    days = locked.programme.payout_notice_days
    locked.status = new_status
    locked.notice_days = days
    locked.notice_starts_on = start
    locked.notice_ends_on = notice_end(start, days)
    locked.published_at = clock.now()
    locked.published_by = actor
    locked.save(
        update_fields=[
            "status",
            "notice_days",
            "notice_starts_on",
            "notice_ends_on",
            "published_at",
            "published_by",
        ]
    )
    _capture_payees(locked)
    audit_record(
        actor=actor,
        action="payout_batch.published",
        obj=locked,
        before=before,
        after=snapshot(locked, BATCH_AUDIT_FIELDS),
    )
    items = PayoutItem.objects.filter(batch=locked, status__in=LIVE_ITEM_STATUSES)
    _notify_parties(
        items,
        kind="payout.noticed",
        title=f"兑付批次公示：{locked.number}",
        body=(
            f"{locked.title}，共 {locked.item_count} 笔 {format_cny(locked.total_amount)}；公示期 "
            f"{locked.notice_starts_on:%Y-%m-%d} 至 {locked.notice_ends_on:%Y-%m-%d}。"
        ),
        url=public_url(locked),
    )
    return locked


# --- objections -------------------------------------------------------------------------------------


def _payout_filed(items: list[PayoutItem]) -> Callable[[Objection], dict[str, Any]]:
    def filed(objection: Objection) -> dict[str, Any]:
        objection.payout_items.set(items)
        ITEM.move_rows(PayoutItem.objects.filter(pk__in=[i.pk for i in items]), ItemAction.BLOCK)
        return {"orders": [i.claim.order.number for i in items]}

    return filed


def _payout_check(objection: Objection) -> None:
    batch = objection.batch
    if batch is not None and batch.status != BatchStatus.NOTICED:
        raise refuse("wrong_status", f"兑付批次当前状态为“{batch.get_status_display()}”，不能处理异议。")


def _payout_decided(actor: Any, objection: Objection, text: str) -> dict[str, Any]:
    """Upheld: the items leave the batch (their claims can be dealt with through review and batched
    again); dismissed: the items are unblocked unless another open objection still concerns them."""
    batch = objection.batch
    assert batch is not None
    items = list(
        PayoutItem.objects.select_for_update().filter(objections=objection).select_related("claim__order")
    )
    if objection.status == ObjectionStatus.UPHELD:
        for item in items:
            if ITEM.can_move(item.status, ItemAction.REMOVE):
                ITEM.move(item, ItemAction.REMOVE)
                item.removed_at = objection.resolved_at
                item.removed_reason = f"公示异议成立：{text}"[:REASON_MAX]
                item.save(update_fields=["status", "removed_at", "removed_reason"])
        _recount(batch)
        _notify_parties(
            items,
            kind="payout.objection_upheld",
            title=f"兑付公示异议成立，移出批次：{batch.number}",
            body=f"处理意见：{text}",
            url="/payouts/",
        )
    else:
        still_open = set(
            PayoutItem.objects.filter(
                pk__in=[i.pk for i in items], objections__status=ObjectionStatus.OPEN
            ).values_list("pk", flat=True)
        )
        ITEM.move_rows(
            PayoutItem.objects.filter(pk__in=[i.pk for i in items if i.pk not in still_open]),
            ItemAction.UNBLOCK,
        )
    return {"orders": [i.claim.order.number for i in items]}


PAYOUT = ObjectionKind(
    audit="payout_objection",
    notify_kind="payout_objection.filed",
    title=lambda o: f"兑付公示异议：{o.batch.number if o.batch else ''}",
    url=lambda o: f"/payouts/batches/{o.batch_id}/",
    filed_fields=("batch_id", "name", "contact", "file_name", "file_sha256"),
    can_decide=permissions.can_resolve_payout_objection,
    related=("batch",),
    resolution_max=REASON_MAX,
)


@transaction.atomic
def payout_objection_file(
    *,
    actor: Any,
    batch: PayoutBatch,
    item_ids: Iterable[int],
    name: str,
    contact: str,
    text: str,
    file: File | None = None,
) -> Objection:
    """Anyone objects, during the notice period, to one or more items of a batch; the items are blocked
    until the objection is resolved, and the Bureau is told. A file is checked by its content."""
    locked = _lock(batch)
    permissions.can_file_payout_objection(locked, clock.today()).enforce()
    errors: dict[str, list[str]] = {}
    wanted = {int(i) for i in item_ids}
    items = list(
        PayoutItem.objects.select_for_update()
        .filter(batch=locked, pk__in=wanted, status__in=[ItemStatus.PENDING, ItemStatus.BLOCKED])
        .select_related("claim__order")
    )
    if not wanted:
        errors["items"] = ["请选择异议涉及的兑付明细。"]
    elif len(items) != len(wanted):
        errors["items"] = ["请选择本批次公示中的兑付明细。"]
    return objections.objection_file(
        kind=PAYOUT,
        actor=actor,
        target={"batch": locked},
        name=name,
        contact=contact,
        text=text,
        file=file,
        errors=errors,
        on_filed=_payout_filed(items),
    )


@transaction.atomic
def payout_objection_resolve(*, actor: Any, objection: Objection, action: str, resolution: str) -> Objection:
    """Decide an objection to a batch under notice (the batch is locked first); see :func:`_payout_decided`."""
    if objection.batch is None:
        raise refuse("not_payout_objection", "该异议不是兑付公示异议。")
    _lock(objection.batch)
    return objections.objection_decide(
        kind=PAYOUT,
        actor=actor,
        objection=objection,
        action=action,
        resolution=resolution,
        check=_payout_check,
        on_decided=_payout_decided,
    )


# --- disbursement -----------------------------------------------------------------------------------


@transaction.atomic
def payout_batch_approve(*, actor: Any, batch: PayoutBatch) -> PayoutBatch:
    """After the notice period, with no open objection, the Bureau approves the batch for disbursement."""
    locked = _lock(batch)
    permissions.can_approve_batch(actor, locked, clock.today()).enforce()
    new_status = transition(locked.status, BatchAction.APPROVE)
    before = snapshot(locked, BATCH_AUDIT_FIELDS)
    locked.status = new_status
    locked.approved_at = clock.now()
    locked.approved_by = actor
    locked.save(update_fields=["status", "approved_at", "approved_by"])
    audit_record(
        actor=actor,
        action="payout_batch.approved",
        obj=locked,
        before=before,
        after=snapshot(locked, BATCH_AUDIT_FIELDS),
    )
    return locked


def missing_payees(batch: PayoutBatch) -> list[str]:
    """Providers in the batch without a payee account (the payment file cannot name where to pay): for a
    draft, without an account now; for a published batch, without one copied into their items."""
    if batch.status == BatchStatus.DRAFT:
        lacking = Q(payout_items__batch=batch, payee_account__isnull=True)
    else:
        lacking = Q(payout_items__batch=batch, payout_items__payee_account_number="")
    return list(
        Organisation.objects.filter(lacking, payout_items__status__in=LIVE_ITEM_STATUSES)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)
    )


@transaction.atomic
def payout_batch_export(
    *,
    actor: Any,
    batch: PayoutBatch,
    out: IO[bytes] | str,
    progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write the payment file to ``out`` (streamed, constant memory); audited; the batch becomes 已导出.
    Refused while a provider in the batch has no payee account, naming them. ``progress(done, total)``
    is told as rows are written."""
    locked = _lock(batch)
    permissions.can_export_batch(actor, locked).enforce()
    new_status = transition(locked.status, BatchAction.EXPORT)
    missing = missing_payees(locked)
    if missing:
        raise refuse("payee_missing", f"以下服务商尚未登记收款账户，不能导出支付文件：{'、'.join(missing)}。")
    result = write_payment_file(locked, out, progress)
    if result.rows != locked.item_count or result.total != locked.total_amount:
        raise refuse(
            "totals_mismatch",
            f"支付文件合计（{result.rows} 笔 {format_cny(result.total)}）与批次合计"
            f"（{locked.item_count} 笔 {format_cny(locked.total_amount)}）不一致，已停止导出。",
        )
    before = snapshot(locked, BATCH_AUDIT_FIELDS)
    locked.status = new_status
    locked.exported_at = clock.now()
    locked.export_count += 1
    locked.save(update_fields=["status", "exported_at", "export_count"])
    audit_record(
        actor=actor,
        action="payout_batch.exported",
        obj=locked,
        before=before,
        after={**snapshot(locked, BATCH_AUDIT_FIELDS), "rows": result.rows, "total": result.total},
    )
    return result


def _quota_account(item: PayoutItem, programme_id: int) -> QuotaAccount:
    return QuotaAccount.objects.get(organisation_id=item.enterprise_id, programme_id=programme_id)


def payout_mark_paid(
    *,
    actor: Any,
    batch: PayoutBatch,
    reference: str,
    paid_on: dt.date | None,
    item_ids: Iterable[int] | None = None,
) -> list[PayoutItem]:
    """Record the payment of the whole batch (every unpaid item) or of the chosen items, with the bank's
    payment reference and date. Each item's amount moves committed → paid on the enterprise's quota
    account in the same transaction; the batch becomes 已支付 when no unpaid item remains."""
    with transaction.atomic():
        locked = _lock(batch)
        permissions.can_mark_paid(actor, locked).enforce()
        transition(locked.status, BatchAction.PAY)
        ref = (reference or "").strip()
        errors: dict[str, list[ValidationError]] = {}
        if not ref:
            errors["reference"] = [ValidationError("请填写支付流水号。", code="required")]
        elif len(ref) > 60:
            errors["reference"] = [ValidationError("支付流水号不能超过60字。", code="too_long")]
        today = clock.today()
        if paid_on is None:
            errors["paid_on"] = [ValidationError("请填写支付日期。", code="required")]
        elif paid_on > today:
            errors["paid_on"] = [ValidationError("支付日期不能晚于今天。", code="date_in_future")]
        elif locked.approved_at and paid_on < clock.local(locked.approved_at).date():
            errors["paid_on"] = [
                ValidationError("支付日期不能早于批准拨付日期。", code="date_before_approval")
            ]
        unpaid = PayoutItem.objects.select_for_update().filter(batch=locked, status=ItemStatus.PENDING)
        if item_ids is not None:
            wanted = {int(i) for i in item_ids}
            items = list(unpaid.filter(pk__in=wanted).select_related("claim__order").order_by("id"))
            if not wanted:
                errors["items"] = [ValidationError("请选择已支付的明细。", code="required")]
            elif len(items) != len(wanted):
                errors["items"] = [ValidationError("所选明细不在本批次或已登记支付。", code="not_payable")]
        else:
            items = list(unpaid.select_related("claim__order").order_by("id"))
            if not items:
                errors["items"] = [ValidationError("本批次没有待登记支付的明细。", code="nothing_to_pay")]
        if errors:
            raise ValidationError(errors)
        assert paid_on is not None
        now = clock.now()
        for item in items:
            before = snapshot(item, ITEM_AUDIT_FIELDS)
            quota_pay(
                actor=actor,
                account=_quota_account(item, locked.programme_id),
                amount=item.amount,
                committed_amount=item.amount,
                reference=item.claim.order.number,
                note=f"兑付批次 {locked.number} 已支付，流水号 {ref}"[:300],
            )
            ITEM.move(item, ItemAction.PAY)
            item.paid_on = paid_on
            item.paid_at = now
            item.payment_reference = ref
            item.save(update_fields=["status", "paid_on", "paid_at", "payment_reference"])
            audit_record(
                actor=actor,
                action="payout_item.paid",
                obj=item,
                before=before,
                after=snapshot(item, ITEM_AUDIT_FIELDS),
            )
        before = snapshot(locked, BATCH_AUDIT_FIELDS)
        remaining = PayoutItem.objects.filter(
            batch=locked, status__in=[ItemStatus.PENDING, ItemStatus.BLOCKED]
        ).exists()
        locked.status = transition(locked.status, BatchAction.PAY)
        if not remaining:
            locked.status = transition(locked.status, BatchAction.SETTLE)
            locked.paid_at = now
        locked.save(update_fields=["status", "paid_at"])
        audit_record(
            actor=actor,
            action="payout_batch.paid" if not remaining else "payout_batch.partly_paid",
            obj=locked,
            before=before,
            after={**snapshot(locked, BATCH_AUDIT_FIELDS), "orders": [i.claim.order.number for i in items]},
            note=ref,
        )
        _notify_parties(
            items,
            kind="payout.paid",
            title=f"服务券兑付资金已支付：{locked.number}",
            body=f"支付日期 {paid_on:%Y-%m-%d}，流水号 {ref}。",
            url="/payouts/",
        )
        return items

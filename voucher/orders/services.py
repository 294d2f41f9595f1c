"""Placing and moving voucher orders (SPEC O2–O8).

Launch day: many enterprises submit for the same product in the same second. The product's
``vouchers_left`` row is the only shared hot spot, so :func:`order_place` does every check and every
per-enterprise write first (locking only that enterprise's quota account) and takes the voucher last,
with one conditional ``UPDATE … WHERE vouchers_left > 0``. If no voucher is left the whole transaction
rolls back. A product already sold out is refused before any transaction starts — from the shared cache
(the order gate, :mod:`voucher.orders.gate`) once it has been seen sold out.

The cost of one order is kept small and fixed (``voucher/orders/tests/test_query_counts.py`` pins it): the
product's facts (its programme year's rules, its provider) come from the shared cache with version tokens
(:mod:`voucher.orders.product_facts`, read by the order gate in the same round trip), the enterprise's
O2 facts from one statement (:func:`~voucher.orders.selectors.order_facts`), the order-time credit
check is stored once a day (:func:`order_credit_check`), the acceptance deadline is cached for a minute.
Inside the transaction the retry and open-order checks are one query and the account is locked once, the
audit events are one insert, and the provider's notification is one outbox row
(:func:`~voucher.core.notifications.notify_members_later`), turned into its members' inbox after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from voucher.accounts.models import Organisation
from voucher.accounts.selectors import active_members, active_users_with
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.core.audit import audit_batch, audit_record, snapshot
from voucher.core.cache import shared_cache_enabled
from voucher.core.errors import refuse
from voucher.core.money import format_cny, share
from voucher.core.notifications import notify, notify_members_later
from voucher.core.validators import validate_mainland_mobile
from voucher.core.workdays import ScheduleMissing, add_working_days
from voucher.enterprises.choices import CreditContext, CreditOutcome
from voucher.enterprises.credit import credit_check
from voucher.enterprises.models import QuotaAccount
from voucher.enterprises.selectors import digital_marketing_eligible, eligibility_decision
from voucher.enterprises.services import quota_release, quota_reserve
from voucher.orders import gate
from voucher.orders.choices import OrderAction, OrderStatus
from voucher.orders.models import Order
from voucher.orders.numbers import new_order_number
from voucher.orders.permissions import can_cancel_order, can_decide_order, can_place_order
from voucher.orders.selectors import OrderFacts, order_facts
from voucher.orders.statements import Statement
from voucher.orders.transitions import IllegalTransition, transition
from voucher.programmes.models import ProgrammeYear
from voucher.standing import sanction_refusal

logger = logging.getLogger(__name__)

ORDER_AUDIT_FIELDS = ["status", "decided_at", "decline_reason", "closed_at", "released_at"]


def alert_schedule_missing(exc: ScheduleMissing) -> None:
    """Tell the admins once that a year's holiday schedule is needed (SPEC Y4)."""
    with transaction.atomic():
        notify(
            recipients=active_users_with("bureau.admin"),
            kind="holiday_schedule_missing",
            title=f"请录入 {exc.year} 年节假日安排",
            body=str(exc),
            url=reverse("admin:core_holidayscheduleyear_add"),
            dedupe_key=f"holiday-schedule-missing-{exc.year}",
        )


DEADLINE_CACHE_SECONDS = 60


def acceptance_deadline(programme: ProgrammeYear, ordered_on: dt.date) -> dt.date:
    """The last day the provider may accept: N working days after the order day (O6).

    With a shared cache the result for (order day, N) is kept for one minute, so a change to the holiday
    schedule reaches new orders within a minute.
    """
    shared = shared_cache_enabled()
    key = f"orders:deadline:{ordered_on.isoformat()}:{programme.acceptance_working_days}"
    if shared:
        try:
            cached = cache.get(key)
        except Exception:
            cached = None
        if isinstance(cached, dt.date):
            return cached
    try:
        deadline = add_working_days(ordered_on, programme.acceptance_working_days)
    except ScheduleMissing as exc:
        alert_schedule_missing(exc)
        raise refuse(exc.code, str(exc)) from exc
    if shared:
        try:
            cache.set(key, deadline, DEADLINE_CACHE_SECONDS)
        except Exception:
            logger.exception("acceptance deadline not cached")
    return deadline


def provider_refusal_text(product: Product, sanction_reason: str) -> str:
    """Why a product cannot be ordered while its provider is under a sanction (E7, M5)."""
    return f"“{product.name}”的服务商受到违规处理：{sanction_reason}该产品暂不能下单。"


def sold_out_refusal(name: str) -> ValidationError:
    return refuse("sold_out", f"“{name}”的服务券已领完。")


def _product_prerequisites(product: Product, today: dt.date, vouchers_read: bool = True) -> None:
    """On sale, vouchers left (when ``vouchers_read``: else the voucher's ``UPDATE`` decides) and the
    ordering period open."""
    programme = product.programme
    if product.status != ProductStatus.ON_SALE:
        raise refuse("not_on_sale", f"“{product.name}”当前不在售（{product.get_status_display()}）。")
    if vouchers_read and product.vouchers_left <= 0:
        raise sold_out_refusal(product.name)
    if today > programme.last_order_day:
        raise refuse(
            "ordering_closed",
            f"{programme.year} 年度服务券下单已于 {programme.last_order_day:%Y-%m-%d} 截止。",
        )


def _enterprise_prerequisites(facts: OrderFacts, product: Product, today: dt.date) -> None:
    programme = product.programme
    if facts.sanctioned:
        sanctioned = sanction_refusal(organisation_id=facts.enterprise.pk, on=today)
        if not sanctioned:
            raise refuse("sanctioned", sanctioned.reason)
    if facts.provider_sanctioned:
        provider_sanctioned = sanction_refusal(organisation_id=product.provider_id, on=today)
        if not provider_sanctioned:
            raise refuse("provider_sanctioned", provider_refusal_text(product, provider_sanctioned.reason))
    eligibility = eligibility_decision(
        auth=facts.authentication,
        current=facts.classification,
        last=facts.last_credit,
        account=facts.account,
    )
    if not eligibility:
        raise refuse(eligibility.code or "not_eligible", eligibility.reason)
    if facts.industry_rule:
        decision = digital_marketing_eligible(facts.industry, programme)
        if not decision:
            raise refuse(decision.code or "industry_not_eligible", decision.reason)


def order_prerequisites(*, enterprise: Organisation, product: Product, today: dt.date) -> OrderFacts:
    """Every O2 condition that does not need a lock; raises the first refusal with its reason.

    Product first (on sale, vouchers left, ordering period), then the enterprise in one query
    (:func:`~voucher.orders.selectors.order_facts`): E7 — neither the enterprise nor the product's provider
    under a sanction today (M5) —, authentication, classification, the latest credit check, the quota
    account, and E5 for directions with an industry rule. Returns the facts read.
    """
    _product_prerequisites(product, today)
    facts = order_facts(enterprise_id=enterprise.pk, product=product, today=today)
    _enterprise_prerequisites(facts, product, today)
    return facts


def order_credit_check(*, facts: OrderFacts, actor: Any) -> None:
    """E4 at order time: the enterprise's credit, checked and stored at most once per day.

    A passing order-time check made earlier the same day (Beijing time) is reused when the credit list
    holds no entry at all for the enterprise's credit code; otherwise the configured checker runs and its
    outcome is stored (:func:`voucher.enterprises.credit.credit_check`). A failing entry added later the
    same day therefore always leads to a new check, and the eligibility check before this refuses while
    the latest stored check has not passed.
    """
    last = facts.last_credit
    if (
        last is not None
        and last.context == CreditContext.ORDER
        and last.outcome == CreditOutcome.PASS
        and facts.credit_checked_today
        and not facts.credit_listed
    ):
        return
    credit = credit_check(organisation=facts.enterprise, actor=actor, context=CreditContext.ORDER)
    if credit.outcome != CreditOutcome.PASS:
        raise refuse("credit", f"信用核查未通过：{credit.reason}")


def _checked_submission(
    idempotency_key: str, contact_name: str, contact_mobile: str, note: str
) -> tuple[str, dict[str, list[str]]]:
    """The submission's key (raises when it is not one) and the errors in its contact fields."""
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise refuse("invalid_idempotency_key", "提交标识无效，请刷新页面后重试。", "idempotency_key")
    errors: dict[str, list[str]] = {}
    if not contact_name.strip():
        errors["contact_name"] = ["请填写企业联系人。"]
    try:
        validate_mainland_mobile(contact_mobile)
    except ValidationError as exc:
        errors["contact_mobile"] = exc.messages
    if len(note) > 300:
        errors["note"] = ["需求说明不能超过300字。"]
    return key, errors


def sold_out_answer(
    *,
    actor: Any,
    admission: gate.Admission,
    idempotency_key: str,
    contact_name: str,
    contact_mobile: str,
    note: str = "",
) -> ValidationError | None:
    """The refusal :func:`order_place` would raise with ``admission``, when it is the sold-out refusal from
    the gate (the fields are valid and the enterprise has submitted no order with this key); else ``None``.

    For answering such a submission early (:mod:`voucher.orders.middleware`); ``actor`` may place orders.
    """
    if admission.sold_out_name is None:
        return None
    try:
        key, errors = _checked_submission(idempotency_key, contact_name, contact_mobile, note)
    except ValidationError:
        return None
    if errors or _submitted_id(actor.organisation_id, key) is not None:
        return None
    return sold_out_refusal(admission.sold_out_name)


def order_place(
    *,
    actor: Any,
    product: Product | int,
    idempotency_key: str,
    contact_name: str,
    contact_mobile: str,
    note: str = "",
    admission: gate.Admission | None = None,
) -> Order:
    """Place an order (去下单 → 提交订单): check O2, reserve the subsidy estimate (O5) and take one voucher (O3).

    ``product`` is the product or its id. The same ``idempotency_key`` from the same enterprise returns the
    first order instead of a second one, from the database (also after the cache lost its data). A product
    known to be sold out is refused by the order gate (:mod:`voucher.orders.gate`; ``admission`` is what
    :func:`voucher.orders.gate.admit` read for the request, else :func:`voucher.orders.gate.look` reads it)
    after one indexed read of an earlier submission with the same key, before the product is read; the
    enterprise's facts and an earlier submission with the same key are read in one query, and the
    order-time credit check is reused within the day (:func:`order_credit_check`).
    Raises ``Product.DoesNotExist`` for an unknown product id.
    Kept whole: the launch-day hot path, tuned read by read, whose order of checks and queries is the contract.
    """
    can_place_order(actor).enforce()
    enterprise_id = actor.organisation_id
    key, errors = _checked_submission(idempotency_key, contact_name, contact_mobile, note)

    product_id = product if isinstance(product, int) else product.pk
    if admission is None:
        admission = gate.look(product_id)
    if admission.sold_out_name is not None:
        existing = _submitted(enterprise_id, key)
        if existing is not None:
            return existing
        if errors:
            raise ValidationError(errors)
        raise sold_out_refusal(admission.sold_out_name)
    product, fresh = gate.product_for_order(admission, product_id)
    today = clock.today()
    facts = order_facts(enterprise_id=enterprise_id, product=product, today=today, idempotency_key=key)
    if facts.submitted_id is not None:
        return _order(facts.submitted_id)
    if errors:
        raise ValidationError(errors)
    try:
        _product_prerequisites(product, today, vouchers_read=fresh)
    except ValidationError as exc:
        if fresh and product.status == ProductStatus.ON_SALE and product.vouchers_left <= 0:
            gate.found_sold_out(admission, product.pk, product.name)
        raise exc
    _enterprise_prerequisites(facts, product, today)
    deadline = acceptance_deadline(product.programme, today)
    order_credit_check(facts=facts, actor=actor)

    try:
        with transaction.atomic():
            return _place_locked(
                actor=actor,
                enterprise=facts.enterprise,
                product=product,
                key=key,
                deadline=deadline,
                contact_name=contact_name.strip(),
                contact_mobile=contact_mobile,
                note=note.strip(),
            )
    except IntegrityError:
        # A concurrent submission with the same key won the race: hand back its order.
        existing = _submitted(enterprise_id, key)
        if existing is None:
            raise
        return existing
    except ValidationError as exc:
        if _codes(exc) == {"sold_out"}:
            left = Product.objects.filter(pk=product.pk).values_list("status", "vouchers_left").first()
            if left == (ProductStatus.ON_SALE, 0):
                gate.found_sold_out(admission, product.pk, product.name)
        raise


def _codes(exc: ValidationError) -> set[str]:
    if not hasattr(exc, "error_dict"):
        return {str(exc.code)}
    return {str(e.code) for errors in exc.error_dict.values() for e in errors}


def _order(pk: int) -> Order:
    return Order.objects.select_related("product", "enterprise", "provider").get(pk=pk)


SUBMITTED = Statement(
    "orders.submitted",
    lambda *, enterprise_id, key: Order.objects.submitted(enterprise=enterprise_id, key=key).values("pk")[:1],
    {"enterprise_id": -7_300_000_001, "key": "\x1forders-submitted-stand-in"},
)


def _submitted_id(enterprise_id: int, key: str) -> int | None:
    row = SUBMITTED.row(enterprise_id=enterprise_id, key=key)
    return row["pk"] if row is not None else None


def _submitted(enterprise_id: int, key: str) -> Order | None:
    """The enterprise's order submitted with ``key``, if any (one narrow query when there is none)."""
    pk = _submitted_id(enterprise_id, key)
    return _order(pk) if pk is not None else None


ACCOUNT_FIELDS = tuple(f.attname for f in QuotaAccount._meta.concrete_fields)


def _lock_query(*, enterprise_id: int, programme_id: int, product_id: int, key: str) -> QuerySet[Any]:
    """The statement of :func:`_lock_account`: the account row under ``FOR UPDATE``, with the two counts."""
    enterprise = OuterRef("organisation_id")
    holding = Order.objects.holding().filter(enterprise_id=enterprise, product_id=product_id)
    return (
        QuotaAccount.objects.select_for_update()
        .filter(organisation_id=enterprise_id, programme_id=programme_id)
        .annotate(
            submitted=Subquery(Order.objects.submitted(enterprise=enterprise, key=key).values("pk")[:1]),
            holding=Coalesce(
                Subquery(holding.order_by().values("enterprise_id").annotate(n=Count("pk")).values("n")), 0
            ),
        )
        .values(*ACCOUNT_FIELDS, "submitted", "holding")
    )


LOCK_ACCOUNT = Statement(
    "orders.lock-account",
    _lock_query,
    {
        "enterprise_id": -7_200_000_001,
        "programme_id": -7_200_000_002,
        "product_id": -7_200_000_003,
        "key": "\x1forders-lock-stand-in",
    },
)


def _lock_account(
    enterprise: Organisation, product: Product, key: str
) -> tuple[QuotaAccount, int | None, int]:
    """Lock the enterprise's quota account for the year, reading in the same statement (under the lock)
    a concurrent retry's order (``submitted``) and the number of the enterprise's orders holding this
    product (O3 ``holding``)."""
    row = LOCK_ACCOUNT.row(
        enterprise_id=enterprise.pk, programme_id=product.programme_id, product_id=product.pk, key=key
    )
    if row is None:
        raise QuotaAccount.DoesNotExist
    account = QuotaAccount.from_db("default", ACCOUNT_FIELDS, [row[name] for name in ACCOUNT_FIELDS])
    return account, row["submitted"], row["holding"]


def _place_locked(
    *,
    actor: Any,
    enterprise: Organisation,
    product: Product,
    key: str,
    deadline: dt.date,
    contact_name: str,
    contact_mobile: str,
    note: str,
) -> Order:
    """Kept whole: the one locked transaction of the launch-day hot path (lock, recheck, reserve, write)."""
    programme = product.programme
    # The enterprise's own account row serialises that enterprise's orders (quota, hoarding, retries).
    account, submitted, holding = _lock_account(enterprise, product, key)
    account.organisation = enterprise
    account.programme = programme
    if submitted is not None:
        return _order(submitted)
    if holding >= programme.max_open_orders_per_product:
        raise refuse(
            "too_many_open_orders",
            f"贵单位已有 {holding} 笔该产品的有效订单，每家企业同一产品最多 {programme.max_open_orders_per_product} 笔。",
        )
    estimate = min(share(product.price_amount, programme.subsidy_rate_cap), account.available)
    if estimate <= 0:
        raise refuse("quota_exhausted", "本年度服务券额度已用完。")
    now = clock.now()
    order = Order.objects.create(
        number=new_order_number(),
        programme=programme,
        product=product,
        enterprise=enterprise,
        provider=product.provider,
        ordered_by=actor,
        ordered_at=now,
        idempotency_key=key,
        listed_price=product.price_amount,
        subsidy_estimate=estimate,
        acceptance_deadline=deadline,
        contact_name=contact_name,
        contact_mobile=contact_mobile,
        note=note,
    )
    with audit_batch():
        quota_reserve(
            actor=actor,
            account=account,
            amount=estimate,
            reference=order.number,
            note=f"下单 {product.name}",
            locked=True,
        )
        audit_record(actor=actor, action="order.placed", obj=order, after=snapshot(order))
    notify_members_later(
        organisation_id=product.provider_id,
        capability="party.provider",
        kind="order_placed",
        title=f"新订单：{product.name}",
        body=f"{enterprise.name} 已下单（{order.number}），请于 {deadline:%Y-%m-%d} 前决定是否接单。",
        url=reverse("orders:detail", args=[order.number]),
    )
    # Last, and in one statement: take the voucher. Nothing after this touches the hot row.
    taken = Product.objects.filter(pk=product.pk, status=ProductStatus.ON_SALE, vouchers_left__gt=0).update(
        vouchers_left=F("vouchers_left") - 1
    )
    if not taken:
        raise sold_out_refusal(product.name)
    return order


@transaction.atomic
def order_accept(*, actor: Any, order: Order) -> Order:
    """The provider accepts within the acceptance window (O6); after the deadline it is refused even
    if the sweeper has not cancelled the order yet."""
    can_decide_order(actor, order).enforce()
    locked = Order.objects.select_for_update().get(pk=order.pk)
    new_status = transition(locked.status, OrderAction.ACCEPT)
    if clock.today() > locked.acceptance_deadline:
        raise refuse(
            "acceptance_deadline_passed",
            f"接单期限已于 {locked.acceptance_deadline:%Y-%m-%d} 届满，订单将自动取消，服务券退回。",
        )
    before = snapshot(locked, ORDER_AUDIT_FIELDS)
    locked.status = new_status
    locked.decided_at = clock.now()
    locked.decided_by = actor
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action="order.accepted",
        obj=locked,
        before=before,
        after=snapshot(locked, ORDER_AUDIT_FIELDS),
    )
    notify(
        recipients=active_members(locked.enterprise, "party.enterprise"),
        kind="order_accepted",
        title=f"服务商已接单：{locked.number}",
        body="服务商将与您联系并签订服务合同。",
        url=reverse("orders:detail", args=[locked.number]),
    )
    return locked


def order_decline(*, actor: Any, order: Order, reason: str) -> Order:
    """The provider declines, with a reason; the voucher and the reservation go back (O6)."""
    can_decide_order(actor, order).enforce()
    if not reason.strip():
        raise refuse("reason_required", "请填写拒单原因。", "reason")
    return _release(actor=actor, order=order, action=OrderAction.DECLINE, reason=reason.strip()[:300])


def order_cancel(*, actor: Any, order: Order) -> Order:
    """The ordering enterprise cancels before acceptance (O7)."""
    can_cancel_order(actor, order).enforce()
    return _release(actor=actor, order=order, action=OrderAction.CANCEL)


def order_expire(*, order: Order) -> Order:
    """The system cancels an order not accepted in time (O6)."""
    if clock.today() <= order.acceptance_deadline:
        raise refuse("not_overdue", f"接单期限 {order.acceptance_deadline:%Y-%m-%d} 尚未届满。")
    return _release(actor=None, order=order, action=OrderAction.EXPIRE)


RELEASE_TEXT = {
    OrderAction.DECLINE: ("服务商已拒单", "order_declined"),
    OrderAction.CANCEL: ("订单已取消", "order_cancelled"),
    OrderAction.EXPIRE: ("订单超时未接单，已自动取消", "order_expired"),
}


@transaction.atomic
def _release(*, actor: Any, order: Order, action: str, reason: str = "") -> Order:
    """Close an open order and give back its voucher and reservation — exactly once.

    The status change is a conditional UPDATE on the still-open order: of two concurrent closers
    only one changes a row, and only that one releases anything.
    """
    current = Order.objects.select_related("product", "enterprise", "provider").get(pk=order.pk)
    new_status = transition(current.status, action)
    now = clock.now()
    fields: dict[str, Any] = {"status": new_status, "closed_at": now, "released_at": now}
    if action == OrderAction.DECLINE:
        fields.update(decline_reason=reason, decided_at=now, decided_by=actor)
    changed = Order.objects.filter(pk=current.pk, status=OrderStatus.PLACED).update(**fields)
    if not changed:
        current.refresh_from_db()
        transition(current.status, action)  # raises with the status that won
    Product.objects.filter(pk=current.product_id).update(vouchers_left=F("vouchers_left") + 1)
    gate.vouchers_returned(current.product_id)
    account = QuotaAccount.objects.get(organisation=current.enterprise_id, programme=current.programme_id)
    title, kind = RELEASE_TEXT[OrderAction(action)]
    quota_release(
        actor=actor, account=account, amount=current.subsidy_estimate, reference=current.number, note=title
    )
    before = snapshot(current, ORDER_AUDIT_FIELDS)
    current.refresh_from_db()
    audit_record(
        actor=actor,
        action=f"order.{new_status}",
        obj=current,
        before=before,
        after=snapshot(current, ORDER_AUDIT_FIELDS),
        note=reason,
    )
    body = f"订单 {current.number}（{current.product.name}）：服务券已退回，预占额度 {format_cny(current.subsidy_estimate)} 已释放。"
    if reason:
        body += f" 原因：{reason}"
    url = reverse("orders:detail", args=[current.number])
    recipients = list(active_members(current.enterprise, "party.enterprise")) + list(
        active_members(current.provider, "party.provider")
    )
    notify(recipients=recipients, kind=kind, title=f"{title}：{current.number}", body=body, url=url)
    return current


def orders_sweep() -> dict[str, int]:
    """Cancel every order whose acceptance window has passed and remind providers of orders due today.

    Idempotent and safe to run concurrently (from cron every minute and from a worker): each order
    is released at most once, by whichever run changes its status first.
    """
    today = clock.today()
    expired = 0
    for order in Order.objects.filter(status=OrderStatus.PLACED, acceptance_deadline__lt=today).iterator():
        try:
            order_expire(order=order)
        except IllegalTransition:
            continue  # another run or a party moved it first
        expired += 1
    reminded = 0
    for order in Order.objects.filter(status=OrderStatus.PLACED, acceptance_deadline=today).select_related(
        "product", "provider"
    ):
        with transaction.atomic():
            sent = notify(
                recipients=active_members(order.provider, "party.provider"),
                kind="acceptance_due",
                title=f"今日为接单截止日：{order.number}",
                body=f"“{order.product.name}”的订单请于今天内接单或拒单，逾期将自动取消。",
                url=reverse("orders:detail", args=[order.number]),
                dedupe_key=f"acceptance-due-{order.number}",
            )
        reminded += bool(sent)
    return {"expired": expired, "reminded": reminded}

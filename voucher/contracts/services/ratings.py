"""Ratings (C7): the enterprise rates a completed contract's service, may change its rating, the
provider replies; the product's average follows.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count

from voucher.accounts.selectors import active_members
from voucher.catalogue.models import Product
from voucher.contracts.choices import RATING_CRITERIA, SCORE_MAX, SCORE_MIN
from voucher.contracts.models import Contract, Rating
from voucher.contracts.permissions import (
    can_rate,
    can_reply_rating,
)
from voucher.contracts.services.common import COMMENT_MAX, RATING_AUDIT_FIELDS, _url
from voucher.core import clock, periods
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import FieldErrors, refuse
from voucher.core.notifications import notify

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
            recipients=active_members(locked.provider_id, "party.provider"),
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
            recipients=active_members(locked.contract.enterprise_id, "party.enterprise"),
            kind="rating_replied",
            title=f"服务商回复了您的评价：{locked.contract.order.number}",
            body=text[:200],
            url=_url(locked.contract),
        )
        return locked

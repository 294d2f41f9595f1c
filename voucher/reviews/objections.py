"""Objections to public notices (SPEC V3 for products, R7 for payout batches): one model, one service.

Filing and deciding are the same for both notice kinds — the objector's fields and evidence file checked,
the row saved with its file, the audit event, the Bureau told; the decision moved through the objection
table (:mod:`voucher.reviews.transitions`) with the resolution, resolver and time. What differs is
described by an :class:`ObjectionKind`: the product notice's kind is :data:`PRODUCT` (in
:mod:`voucher.reviews.services`), the payout batch's is defined by the payouts app, which sits above this
one and passes its hooks in (withdrawing a product, blocking or removing payout items).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction

from voucher.accounts.models import User
from voucher.accounts.selectors import active_users_with
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import refuse
from voucher.core.notifications import notify
from voucher.core.permissions import Decision
from voucher.core.uploads import JPEG, PDF, PNG, InspectedFile, display_file_name, inspect_upload
from voucher.reviews.choices import ObjectionAction
from voucher.reviews.models import Objection
from voucher.reviews.transitions import objection_transition

OBJECTION_FILE_KINDS = (PDF, PNG, JPEG)

# Hooks: after filing (extra audit fields), checks before deciding, effects of a decision (extra audit fields).
Filed = Callable[[Objection], dict[str, Any]]
Check = Callable[[Objection], None]
Decided = Callable[[Any, Objection, str], dict[str, Any]]


def _nothing(*_args: Any) -> dict[str, Any]:
    return {}


def _no_check(_objection: Objection) -> None:
    return None


@dataclass(frozen=True)
class ObjectionKind:
    """What one notice kind adds to the shared filing and deciding.

    ``audit`` prefixes the audit actions (``<audit>.filed``, ``<audit>.upheld``, ``<audit>.dismissed``);
    ``notify_kind``, ``title`` and ``url`` make the Bureau's notification of a new objection;
    ``filed_fields`` are the row's fields in the filing event; ``can_decide`` is the permission to decide;
    ``resolution_max`` cuts the kept resolution (``None``: kept whole).
    """

    audit: str
    notify_kind: str
    title: Callable[[Objection], str]
    url: Callable[[Objection], str]
    filed_fields: Sequence[str]
    can_decide: Callable[[Any, Objection], Decision]
    related: Sequence[str] = ()
    resolution_max: int | None = None


def _max_upload_bytes() -> int:
    return int(getattr(settings, "VOUCHER_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def admins() -> list[User]:
    """The Bureau's active administrators, who decide objections."""
    return list(active_users_with("bureau.admin"))


def objection_fields_check(
    errors: dict[str, list[str]], *, name: str, contact: str, text: str, file: File | None
) -> tuple[dict[str, str], InspectedFile | None, str]:
    """The objector's name, contact and text (trimmed) and the optional evidence file checked by its
    content; problems are added to ``errors`` by field. Shared by product and payout notices."""
    values = {"name": (name or "").strip(), "contact": (contact or "").strip(), "text": (text or "").strip()}
    labels = {"name": "姓名或单位", "contact": "联系方式", "text": "异议内容"}
    limits = {"name": 100, "contact": 100, "text": 5000}
    for key, value in values.items():
        if not value:
            errors[key] = [f"请填写{labels[key]}。"]
        elif len(value) > limits[key]:
            errors[key] = [f"{labels[key]}不能超过{limits[key]}字。"]
    inspected = None
    file_name = ""
    if file is not None:
        file_name = display_file_name(getattr(file, "name", "") or "")
        try:
            inspected = inspect_upload(
                file, allowed=OBJECTION_FILE_KINDS, max_bytes=_max_upload_bytes(), name=file_name
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return values, inspected, file_name


@transaction.atomic
def objection_file(
    *,
    kind: ObjectionKind,
    actor: Any,
    target: dict[str, Any],
    name: str,
    contact: str,
    text: str,
    file: File | None = None,
    errors: dict[str, list[str]] | None = None,
    on_filed: Filed = _nothing,
) -> Objection:
    """File an objection on ``target`` (``notice`` and ``product``, or ``batch``), already locked and
    checked by the caller, whose problems come in ``errors`` and are reported with the field checks.

    ``actor`` is the logged-in user or ``None`` (or an anonymous user) for a visitor. The evidence file is
    checked by its content and deleted again if anything after storing it fails.
    """
    errors = dict(errors or {})
    values, inspected, file_name = objection_fields_check(
        errors, name=name, contact=contact, text=text, file=file
    )
    if errors:
        raise ValidationError(errors)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    objection = Objection(filed_by=actor if is_user else None, filed_at=clock.now(), **target, **values)
    stored = ""
    if file is not None and inspected is not None:
        objection.file_name = file_name
        objection.file_content_type = inspected.content_type
        objection.file_sha256 = inspected.sha256
        file.seek(0)
        objection.file.save(file_name, file, save=False)
        stored = objection.file.name or ""
    try:
        objection.save()
        extra = on_filed(objection)
        audit_record(
            actor=actor if is_user else None,
            action=f"{kind.audit}.filed",
            obj=objection,
            after={**snapshot(objection, list(kind.filed_fields)), **extra},
        )
        notify(
            recipients=admins(),
            kind=kind.notify_kind,
            title=kind.title(objection),
            body=values["text"][:200],
            url=kind.url(objection),
        )
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return objection


@transaction.atomic
def objection_decide(
    *,
    kind: ObjectionKind,
    actor: Any,
    objection: Objection,
    action: str,
    resolution: str,
    check: Check = _no_check,
    on_decided: Decided = _nothing,
) -> Objection:
    """Uphold or dismiss an open objection with the Bureau's resolution; anything else is refused.

    The row is locked, the actor's permission checked, then the action and resolution, then the kind's
    ``check``; the move goes through the objection table (an illegal one is ``illegal_transition``), and
    ``on_decided(actor, objection, resolution)`` applies the decision to the notice (its extra fields go
    into the audit event ``<audit>.upheld`` or ``<audit>.dismissed``).
    """
    locked = (
        Objection.objects.select_for_update(of=("self",)).select_related(*kind.related).get(pk=objection.pk)
    )
    kind.can_decide(actor, locked).enforce()
    if action not in ObjectionAction.values:
        raise refuse("invalid_action", "请选择异议成立或不成立。", "action")
    text = (resolution or "").strip()
    if not text:
        raise refuse("required", "请填写处理意见。", "resolution")
    check(locked)
    before = snapshot(locked, ["status", "resolution"])
    locked.status = objection_transition(locked.status, action)
    locked.resolution = text[: kind.resolution_max] if kind.resolution_max else text
    locked.resolved_by = actor
    locked.resolved_at = clock.now()
    locked.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    extra = on_decided(actor, locked, text)
    audit_record(
        actor=actor,
        action=f"{kind.audit}.{locked.status}",
        obj=locked,
        before=before,
        after={**snapshot(locked, ["status", "resolution"]), **extra},
        note=text,
    )
    return locked

"""One tone per status: how every status badge of the platform is coloured.

Each status enum (a ``TextChoices`` of a status, state, outcome or phase) maps each of its values to a
Bootstrap tone: ``success`` for a good end (通过、符合、在售), ``danger`` for a refusal or a block (退回修改、
驳回), ``warning`` for a wait on the person looking (待确认), ``info`` for a wait on someone else or a step
under way, ``secondary`` for neutral or closed. The enums are named by their dotted path, so the core
imports no domain app; :func:`enum_of_field` finds a model field's enum by its choices.
"""

from __future__ import annotations

from enum import Enum
from functools import cache
from typing import Any

from django.db import models
from django.utils import translation

TONES = ("success", "warning", "danger", "info", "secondary")
NEUTRAL = "secondary"

STATUS_TONES: dict[str, dict[str, str]] = {
    "voucher.accounts.choices.NameChangeStatus": {
        "pending": "warning",
        "approved": "success",
        "rejected": "danger",
    },
    "voucher.programmes.choices.YearStatus": {
        "draft": "secondary",
        "active": "success",
        "closed": "secondary",
    },
    "voucher.enterprises.choices.AuthStatus": {"verified": "success", "refused": "danger"},
    "voucher.enterprises.choices.CreditOutcome": {"pass": "success", "fail": "danger", "unknown": "warning"},
    "voucher.enterprises.choices.ImportStatus": {
        "preview": "warning",
        "applied": "success",
        "discarded": "secondary",
    },
    "voucher.enterprises.choices.RedeclarationStatus": {
        "pending": "warning",
        "confirmed": "success",
        "rejected": "danger",
    },
    "voucher.applications.choices.ApplicationStatus": {
        "draft": "secondary",
        "submitted": "info",
        "approved": "success",
        "returned": "danger",
        "rejected": "danger",
    },
    "voucher.applications.choices.ApplicationAction": {
        "submit": "info",
        "approve": "success",
        "return": "danger",
        "reject": "danger",
    },
    "voucher.applications.choices.CheckOutcome": {"pass": "success", "fail": "danger", "unknown": "warning"},
    "voucher.catalogue.choices.ProductStatus": {
        "noticed": "info",
        "ready": "warning",
        "on_sale": "success",
        "suspended": "danger",
        "withdrawn": "secondary",
    },
    "voucher.reviews.choices.NoticePhase": {
        "scheduled": "secondary",
        "open": "info",
        "ended": "warning",
        "closed": "secondary",
    },
    "voucher.reviews.choices.ObjectionStatus": {
        "open": "warning",
        "upheld": "danger",
        "dismissed": "secondary",
    },
    "voucher.orders.choices.OrderStatus": {
        "placed": "warning",
        "accepted": "success",
        "declined": "danger",
        "cancelled": "secondary",
        "expired": "secondary",
    },
    "voucher.contracts.choices.ContractStatus": {
        "recorded": "warning",
        "confirmed": "info",
        "completed": "success",
    },
    "voucher.claims.choices.ClaimStatus": {
        "draft": "secondary",
        "submitted": "info",
        "returned": "danger",
        "approved": "success",
        "voided": "secondary",
        "waived": "secondary",
    },
    "voucher.claims.choices.ClaimAction": {
        "edit": "secondary",
        "submit": "info",
        "waive": "secondary",
        "expire": "secondary",
        "approve": "success",
        "return": "danger",
        "void": "secondary",
    },
    "voucher.claims.choices.CheckOutcome": {"pass": "success", "fail": "danger", "unknown": "warning"},
    "voucher.payouts.choices.BatchStatus": {
        "draft": "secondary",
        "noticed": "info",
        "approved": "info",
        "exported": "info",
        "partly_paid": "warning",
        "paid": "success",
        "cancelled": "secondary",
    },
    "voucher.payouts.choices.ItemStatus": {
        "pending": "warning",
        "blocked": "danger",
        "paid": "success",
        "removed": "secondary",
    },
    "voucher.enforcement.choices.ClawbackStatus": {
        "open": "warning",
        "partly_repaid": "warning",
        "repaid": "success",
        "waived": "secondary",
    },
    "voucher.enforcement.choices.SpotCheckStatus": {"open": "info", "closed": "success"},
    "voucher.enforcement.choices.FindingOutcome": {
        "compliant": "success",
        "issue": "warning",
        "violation": "danger",
    },
    "voucher.core.choices.DeliveryStatus": {"pending": "info", "sent": "success", "failed": "danger"},
    "voucher.tasks.choices.JobStatus": {"pending": "info", "done": "success", "failed": "danger"},
}


def dotted_name(enum: type) -> str:
    return f"{enum.__module__}.{enum.__qualname__}"


def choices_enums() -> list[type[models.Choices]]:
    """Every ``TextChoices``/``IntegerChoices`` enum of the platform (those already imported)."""
    found: list[type[models.Choices]] = []
    todo: list[type] = [models.TextChoices, models.IntegerChoices]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("voucher."):
                found.append(sub)
    return found


@cache
def _enums_by_choices() -> dict[tuple[tuple[Any, str], ...], type[models.Choices]]:
    # Labels in the source language, whatever the language of the request that builds the map.
    with translation.override(None):
        return {
            tuple((value, str(label)) for value, label in enum.choices): enum
            for enum in choices_enums()
            if dotted_name(enum) in STATUS_TONES
        }


@cache
def enum_of_field(field: models.Field) -> type[models.Choices] | None:
    """The status enum whose choices a model field takes, if it has a tone mapping (found once per field)."""
    with translation.override(None):
        key = tuple((value, str(label)) for value, label in field.flatchoices)
    return _enums_by_choices().get(key)


def tone_of(enum: type | None, value: Any) -> str:
    """The tone of one value of a status enum; neutral for anything without a mapping."""
    if enum is None:
        return NEUTRAL
    if isinstance(value, Enum):
        value = value.value
    return STATUS_TONES.get(dotted_name(enum), {}).get(str(value), NEUTRAL)


def badge_classes(tone: str) -> str:
    """The Bootstrap classes of a badge in ``tone`` (the subtle variants keep WCAG AA contrast)."""
    tone = tone if tone in TONES else NEUTRAL
    return f"badge status-badge bg-{tone}-subtle text-{tone}-emphasis border border-{tone}-subtle"

"""Reads about users' second factor (TOTP device and recovery codes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from voucher.accounts.models import User
from voucher.core.permissions import has_capability, roles_with


def active_users_with(capability: str) -> QuerySet[User]:
    """Every active user whose role holds ``capability`` (e.g. the Bureau's admins to notify)."""
    return User.objects.filter(role__in=roles_with(capability), is_active=True)


def active_members(organisations: Any, capability: str) -> QuerySet[User]:
    """The active users of ``organisations`` (one id or organisation, or several ids) whose role holds
    ``capability`` — the people who act for the organisation and hear about its records."""
    if isinstance(organisations, int) or hasattr(organisations, "pk"):
        organisations = [getattr(organisations, "pk", organisations)]
    return active_users_with(capability).filter(organisation_id__in=list(organisations))


def _second_factor_roles() -> frozenset[str]:
    return roles_with("accounts.second_factor")


def is_second_factor_staff(user: Any) -> bool:
    """Reviewers, the Bureau's admins and anyone who may use the admin site."""
    return bool(getattr(user, "is_staff", False) or getattr(user, "role", None) in _second_factor_roles())


def second_factor_required() -> bool:
    """Whether the programme makes the second factor compulsory for staff."""
    return bool(getattr(settings, "VOUCHER_REQUIRE_TOTP_FOR_STAFF", False))


def confirmed_totp(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator device, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user: Any) -> TOTPDevice | None:
    """The authenticator device being set up (shown as a QR code, not yet confirmed by a code)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def has_second_factor(user: Any) -> bool:
    """Whether logging in needs a code: the user has a confirmed authenticator device."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: Any) -> int:
    """How many unused recovery codes the user still has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@dataclass(frozen=True)
class SecondFactorStatus:
    """What the 双重认证 page and the API say about one user."""

    enabled: bool
    pending: bool
    enabled_at: datetime | None
    last_used_at: datetime | None
    recovery_codes_left: int
    required: bool
    available: bool


def second_factor_status(user: Any) -> SecondFactorStatus:
    """Status of ``user``'s second factor."""
    device = confirmed_totp(user)
    return SecondFactorStatus(
        enabled=device is not None,
        pending=device is None and pending_totp(user) is not None,
        enabled_at=device.created_at if device else None,
        last_used_at=device.last_used_at if device else None,
        recovery_codes_left=recovery_codes_left(user) if device else 0,
        required=second_factor_required() and is_second_factor_staff(user),
        available=getattr(user, "role", None) in _second_factor_roles(),
    )


def staff_with_second_factor_state(actor: Any) -> QuerySet[User]:
    """Reviewers and admins with ``has_totp`` and ``has_recovery`` annotations, for the admins' list."""
    if not has_capability(actor, "accounts.manage"):
        return User.objects.none()
    return (
        User.objects.filter(role__in=_second_factor_roles())
        .select_related("organisation")
        .annotate(
            has_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_recovery=Exists(StaticDevice.objects.filter(user=OuterRef("pk"))),
        )
        .order_by("role", "username")
    )

"""Permission results that carry their reason.

Every permission function returns a :class:`Decision`; the same function hides a button in the
page and refuses the request on the server, so the two can never disagree. Role checks go through
:func:`can` / :func:`has_capability`, which read the one capability mapping in :mod:`voucher.core.roles`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

from voucher.core import roles

NOT_AUTHENTICATED = "not_authenticated"


class Refused(PermissionDenied):
    """``PermissionDenied`` carrying the refusal's machine-readable code (the API answers 403 with it)."""

    def __init__(self, reason: str, code: str = "forbidden") -> None:
        super().__init__(reason)
        self.code = code or "forbidden"


@dataclass(frozen=True)
class Decision:
    """``(allowed, reason)``; truthy when allowed. ``reason`` is a Chinese sentence for the user."""

    allowed: bool
    reason: str = ""
    code: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield self.allowed
        yield self.reason

    def enforce(self) -> None:
        """Raise :class:`Refused` (a ``PermissionDenied``) with the reason and code when not allowed."""
        if not self.allowed:
            raise Refused(self.reason, self.code)


ALLOWED = Decision(True)


def deny(reason: str, code: str = "forbidden") -> Decision:
    """A refusal with a reason the user can act on and a machine-readable code."""
    return Decision(False, reason, code)


# --- capabilities: the one place role checks are answered ---------------------------------------------


def logged_in(user: Any) -> Decision:
    """Logged in with an active account; the standard refusal for everyone else (``not_authenticated``)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return deny("请先登录。", NOT_AUTHENTICATED)
    if not getattr(user, "is_active", False):
        return deny("账号已停用。", NOT_AUTHENTICATED)
    return ALLOWED


def roles_with(capability: str) -> frozenset[str]:
    """The roles that hold ``capability`` (a ``KeyError`` for a name not in the mapping: a typo fails loudly)."""
    return roles.CAPABILITIES[capability]


def has_capability(user: Any, capability: str) -> bool:
    """Whether an active, logged-in ``user`` acts in a role that holds ``capability``."""
    allowed = roles_with(capability)
    return bool(logged_in(user)) and getattr(user, "role", None) in allowed


def has_any_capability(user: Any, *capabilities: str) -> bool:
    """Whether ``user`` holds at least one of ``capabilities``."""
    return any(has_capability(user, capability) for capability in capabilities)


def _names(capability: str) -> str:
    return "、".join(role.label for role in roles.Role if role.value in roles_with(capability))


def can(user: Any, capability: str, reason: str = "", code: str = "forbidden") -> Decision:
    """``ALLOWED`` when ``user`` holds ``capability``; else the login refusal or ``reason`` (by default
    naming the roles that may) with ``code``."""
    if not (decision := logged_in(user)):
        return decision
    if has_capability(user, capability):
        return ALLOWED
    return deny(reason or f"此功能仅限{_names(capability)}使用。", code)


def member_of(user: Any, organisation_id: int | None) -> bool:
    """Whether ``user`` belongs to the organisation ``organisation_id`` (never for no organisation)."""
    return organisation_id is not None and getattr(user, "organisation_id", None) == organisation_id


def acts_for(user: Any, capability: str, organisation_id: int | None) -> bool:
    """Holding ``capability`` for the user's own organisation ``organisation_id`` (a party of the record)."""
    return has_capability(user, capability) and member_of(user, organisation_id)


def is_admin(user: Any) -> Decision:
    """The Bureau (市经信局): logged in and acting as its administrator."""
    return can(user, "bureau.admin", "此功能仅限市经信局使用。", "not_admin")

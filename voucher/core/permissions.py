"""Permission results that carry their reason.

Every permission function returns a :class:`Decision`; the same function hides a button in the
page and refuses the request on the server, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied


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

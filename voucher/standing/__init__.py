"""Party standing (SPEC E7, M5): is an organisation barred from the programme on a given day?

Every stage that lets an organisation act (product applications, trading, orders, claims) asks here, low
in the stack. The oversight stage (``voucher.enforcement``) records and lifts the sanctions, so it is the
one that knows the answer: it installs the register in its ``AppConfig.ready`` (:func:`install_register`).
The stages below it therefore never import it, and a ban is stated once, in the register.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from django.db.models import Exists

from voucher.core.permissions import Decision


class StandingRegister(Protocol):
    """What the stages ask about an organisation's standing."""

    def refusal(self, *, organisation_id: int, on: dt.date) -> Decision:
        """``ALLOWED``, or a refusal with code ``sanctioned`` naming the violation and the ban's last day."""
        ...

    def barred(self, organisation: Any, on: dt.date) -> Exists:
        """An ``Exists`` expression, true when the organisation is barred on ``on``: ``organisation`` is
        its id or an expression for it (``OuterRef("pk")``), for use inside a larger statement."""
        ...


_registers: list[StandingRegister] = []


def install_register(register: StandingRegister) -> None:
    """Make ``register`` the one every stage asks (the last one installed wins)."""
    _registers[:] = [register]


def _register() -> StandingRegister:
    if not _registers:
        raise LookupError("no standing register installed (voucher.enforcement is not among INSTALLED_APPS)")
    return _registers[0]


def sanction_refusal(*, organisation_id: int, on: dt.date) -> Decision:
    """``ALLOWED``, or a refusal with code ``sanctioned``: the organisation is barred on ``on``."""
    return _register().refusal(organisation_id=organisation_id, on=on)


def barred(organisation: Any, on: dt.date) -> Exists:
    """The register's expression "barred on ``on``" for ``organisation`` (an id or an expression for one),
    built from the same query as :func:`sanction_refusal`."""
    return _register().barred(organisation, on)

"""The one state-machine engine (ARCHITECTURE convention 3): every status of the platform moves through it.

An app's ``transitions.py`` holds only its :class:`Table` — the statuses, the actions, and which
``(action, from) → to`` moves are allowed, optionally with the permission that guards an action — and
names the table's methods for its callers. Anything not in the table is refused with
:class:`IllegalTransition`, which has one shape everywhere::

    error_dict == {"status": [ValidationError("<subject>当前状态为“…”，不能执行“…”。", code="illegal_transition")]}

so a page shows the sentence next to the status and the API answers 422 with ``code: illegal_transition``.

Tables are keyed by action, not by target status, because two actions may lead to the same status and
mean different things (a claim is waived by the provider or by the sweeper when the period ends).
Every table registers itself; :func:`tables` finds all of them (the generic test loops over every one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Value, When
from django.utils.module_loading import autodiscover_modules

CODE = "illegal_transition"

# An optional guard for an action: ``(actor, obj) → Decision`` (see :mod:`voucher.core.permissions`).
Guard = Callable[[Any, Any], Any]

_REGISTRY: dict[str, Table] = {}


class IllegalTransition(ValidationError):
    """A move the table does not allow; ``table``, ``status`` and ``action`` say which."""

    table: Table
    status: str
    action: str


class Table:
    """One state machine: ``moves`` maps ``(action, from)`` to the status after the action.

    ``subject`` names what moves, for the refusal sentence (“订单”, “兑券申请”). ``guards`` optionally
    names, per action, the permission function that decides whether an actor may take it.
    """

    def __init__(
        self,
        name: str,
        *,
        subject: str,
        states: type[models.TextChoices],
        actions: type[models.TextChoices],
        moves: Mapping[tuple[str, str], str],
        guards: Mapping[str, Guard] | None = None,
        register: bool = True,
    ) -> None:
        for (action, source), target in moves.items():
            if action not in actions.values or source not in states.values or target not in states.values:
                raise ValueError(f"{name}: move {action!r} {source!r} → {target!r} is not in the choices")
        self.name = name
        self.subject = subject
        self.states = states
        self.actions = actions
        self.moves: Mapping[tuple[str, str], str] = MappingProxyType(dict(moves))
        self.guards: dict[str, Guard] = dict(guards or {})
        if register:
            if name in _REGISTRY:
                raise ValueError(f"a state machine named {name!r} is already registered")
            _REGISTRY[name] = self

    def __repr__(self) -> str:
        return f"<Table {self.name}: {len(self.moves)} moves>"

    def can_move(self, status: str, action: str) -> bool:
        """Whether the table allows ``action`` from ``status``."""
        return (action, status) in self.moves

    def transition(self, status: str, action: str) -> str:
        """The status after ``action`` from ``status``, or :class:`IllegalTransition` with a Chinese reason."""
        try:
            return self.moves[(action, status)]
        except KeyError:
            raise self.refusal(status, action) from None

    def refusal(self, status: str, action: str) -> IllegalTransition:
        """The error for a move the table does not allow (the same shape for every table)."""
        message = (
            f"{self.subject}当前状态为“{self._label(self.states, status)}”，"
            f"不能执行“{self._label(self.actions, action)}”。"
        )
        error = IllegalTransition(
            {"status": ValidationError(message, code=CODE, params={"status": status, "action": action})}
        )
        error.table, error.status, error.action = self, status, action
        return error

    def allowed(self, actor: Any, obj: Any, action: str, *, field: str = "status") -> bool:
        """The table allows ``action`` from ``obj``'s status and its guard (if any) lets ``actor`` take it."""
        if not self.can_move(getattr(obj, field), action):
            return False
        guard = self.guards.get(action)
        return guard is None or bool(guard(actor, obj).allowed)

    def move(self, obj: Any, action: str, *, field: str = "status") -> str:
        """Set ``obj``'s status to the one after ``action`` (not saved); returns the status it had."""
        before: str = getattr(obj, field)
        setattr(obj, field, self.transition(before, action))
        return before

    def move_rows(
        self, queryset: models.QuerySet[Any], action: str, *, field: str = "status", **values: Any
    ) -> int:
        """Move, in one ``UPDATE``, every row of ``queryset`` whose status allows ``action``; rows in other
        statuses are left as they are. ``values`` are written with the new status. Returns the row count."""
        moves = {source: target for (a, source), target in self.moves.items() if a == action}
        if not moves:
            return 0
        targets = {target for target in moves.values()}
        new: Any = (
            Value(targets.pop())
            if len(targets) == 1
            else Case(*(When(**{field: source}, then=Value(target)) for source, target in moves.items()))
        )
        return queryset.filter(**{f"{field}__in": list(moves)}).update(**{field: new}, **values)

    @staticmethod
    def _label(choices: type[models.TextChoices], value: str) -> str:
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)


def tables() -> list[Table]:
    """Every registered table, after importing each installed app's ``transitions`` module."""
    autodiscover_modules("transitions")
    return list(_REGISTRY.values())

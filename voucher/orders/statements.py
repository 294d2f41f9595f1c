"""ORM statements of the order path, compiled once and then run with each order's values.

Placing an order reads the enterprise's facts and locks its quota account with two statements that the ORM
builds from the models' own query methods (``Sanction.objects.in_force``, ``Order.objects.holding``, …).
Building and compiling such a queryset costs more server time than running it, on every order. A
:class:`Statement` therefore compiles its queryset once per thread and database, with stand-in values of
the same types, remembers where each stand-in went among the statement's parameters, and afterwards runs
the same SQL with the order's own values in those places, converting the row as the queryset would.

The SQL is the ORM's: it changes with the models and the expressions. When a value could change the SQL
itself (``None`` becomes ``IS NULL``) or a stand-in cannot be found exactly once per place, the queryset is
simply evaluated.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

_compiled = threading.local()


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (position among the parameters, argument name)
    names: tuple[str, ...]
    compiler: Any
    converters: dict[int, Any]


def _adapt(ops: Any, value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return ops.adapt_datefield_value(value)
    return value


def _same(param: Any, adapted: Any) -> bool:
    return type(param) is type(adapted) and param == adapted


class Statement:
    """A ``values()`` queryset built by ``build(**arguments)``, run as one SQL statement for one row.

    ``stand_ins`` gives, for every argument, a value of its type that no real argument takes (used only to
    compile the statement).
    """

    def __init__(self, name: str, build: Callable[..., QuerySet[Any]], stand_ins: dict[str, Any]) -> None:
        self.name = name
        self.build = build
        self.stand_ins = stand_ins

    def _compile(self, using: str) -> _Compiled | None:
        queryset = self.build(**self.stand_ins)
        query = queryset.query
        compiler = query.get_compiler(using)
        sql, params = compiler.as_sql()
        ops = connections[using].ops
        adapted = {name: _adapt(ops, value) for name, value in self.stand_ins.items()}
        slots = []
        for position, param in enumerate(params):
            owners = [name for name, value in adapted.items() if _same(param, value)]
            if len(owners) > 1:
                return None
            if owners:
                slots.append((position, owners[0]))
        if {name for _position, name in slots} != set(adapted):
            return None
        if any(str(value) in sql for value in adapted.values()):
            return None  # a stand-in written into the SQL text itself
        names = (
            tuple(query.selected)
            if query.selected
            else (*query.extra_select, *query.values_select, *query.annotation_select)
        )
        fields = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            names=tuple(names),
            compiler=compiler,
            converters=compiler.get_converters(fields),
        )

    def _for(self, using: str) -> _Compiled | None:
        cache = _compiled.__dict__.setdefault("statements", {})
        key = (self.name, using)
        if key not in cache:
            cache[key] = self._compile(using)
        compiled: _Compiled | None = cache[key]
        return compiled

    def row(self, using: str = "default", **arguments: Any) -> dict[str, Any] | None:
        """The statement's first row as a dict (``None`` when there is none)."""
        compiled = None if any(value is None for value in arguments.values()) else self._for(using)
        if compiled is None:
            first: dict[str, Any] | None = next(iter(self.build(**arguments)), None)
            return first
        ops = connections[using].ops
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = _adapt(ops, arguments[name])
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            found = cursor.fetchone()
        if found is None:
            return None
        values: Iterator[Any] | list[Any] = list(found)
        if compiled.converters:
            values = next(iter(compiled.compiler.apply_converters([values], compiled.converters)))
        return dict(zip(compiled.names, values, strict=True))

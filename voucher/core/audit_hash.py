"""The content hash of an audit event (SPEC M3, tamper evidence).

Each event is hashed at insert over a canonical JSON of its content: when, who (id and label), what
(action, object type/id/representation), before → after and the note. The same function recomputes
the hash when the chain is verified, so the canonical form must not change for stored events: a new
form would get a new ``VERSION`` and both would be kept.

The form is stable across databases: times in UTC with microseconds, keys sorted, numbers as
PostgreSQL ``jsonb`` gives them back (a whole-number float is written as an integer).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

VERSION = 1
CONTENT_FIELDS = (
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "note",
)
GENESIS = "0" * 64


def _normal(value: Any) -> Any:
    """JSON data in the form every database returns it."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {str(k): _normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    return str(value)


def _moment(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(values: dict[str, Any]) -> bytes:
    """The canonical bytes of an event's content (``values`` keyed by :data:`CONTENT_FIELDS`)."""
    data = {name: _normal(values.get(name)) for name in CONTENT_FIELDS}
    data["at"] = _moment(values["at"])
    data["note"] = values.get("note") or ""
    data["v"] = VERSION
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode()


def content_hash(values: dict[str, Any]) -> str:
    """sha256 (hex) of :func:`canonical`."""
    return hashlib.sha256(canonical(values)).hexdigest()


def content_hash_of(event: Any) -> str:
    """The content hash of an event object (model instance or historical model in a migration)."""
    return content_hash({name: getattr(event, name) for name in CONTENT_FIELDS})


def chain_hash(previous: str, content: str) -> str:
    """sha256 (hex) of the previous entry's chain hash followed by this entry's content hash."""
    return hashlib.sha256((previous + content).encode()).hexdigest()

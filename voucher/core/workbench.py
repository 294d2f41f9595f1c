"""The role home page ("工作台"): cards of what awaits the user.

Each app registers a contributor in its ``AppConfig.ready``; a contributor takes the user and
returns cards. Later capabilities add their queues here without touching the view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Card:
    """One block on the workbench: a title, lines of figures or facts, and optional links."""

    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    tone: str = "normal"  # normal | warning | attention
    order: int = 100


Contributor = Callable[[Any], list[Card]]
_contributors: list[Contributor] = []


def register(contributor: Contributor) -> Contributor:
    """Add a contributor (idempotent, usable as a decorator)."""
    if contributor not in _contributors:
        _contributors.append(contributor)
    return contributor


def build_workbench(user: Any) -> list[Card]:
    """All cards for ``user``, in display order."""
    cards: list[Card] = []
    for contributor in _contributors:
        cards.extend(contributor(user))
    return sorted(cards, key=lambda c: c.order)

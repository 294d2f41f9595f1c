"""The front page shows the current programme year and its directions (registered in ``AppConfig.ready``)."""

from __future__ import annotations

from typing import Any

from voucher.core.frontpage import register_front_page
from voucher.programmes.selectors import directions_with_rules, programme_current


@register_front_page
def current_programme() -> dict[str, Any]:
    """The current year and its directions with their rules (none when no year exists yet)."""
    programme = programme_current()
    directions = directions_with_rules(programme) if programme else []
    return {"programme": programme, "directions": directions}

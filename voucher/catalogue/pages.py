"""Sections of the public product page contributed by the stages above the catalogue.

Each app registers a provider in its ``AppConfig.ready``; a provider takes the product and returns
template variables for ``catalogue/detail.html`` (the contracts stage registers the ratings, C7).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from voucher.catalogue.models import Product

Section = Callable[[Product], dict[str, Any]]
_sections: list[Section] = []


def register_product_section(section: Section) -> Section:
    """Add a section provider (idempotent, usable as a decorator)."""
    if section not in _sections:
        _sections.append(section)
    return section


def product_sections(product: Product) -> dict[str, Any]:
    """The template variables of every registered section, in registration order."""
    context: dict[str, Any] = {}
    for section in _sections:
        context.update(section(product))
    return context

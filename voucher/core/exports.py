"""Inert cells for every Excel/CSV export (issue 17, item 1; OWASP "CSV injection").

Every value a person typed passes through :func:`inert` before it is written: text that a spreadsheet
would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
prefixed with an apostrophe, so it stays text whether the file is opened in Excel, WPS or LibreOffice
or re-typed there; control characters (which openpyxl refuses with ``IllegalCharacterError``) and
invisible bidi/zero-width characters are removed by :func:`voucher.core.text.clean_text`. Numbers,
money, dates and prepared cells pass unchanged. :func:`restore` undoes the prefix when the platform
reads its own template back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from voucher.core.text import clean_text

# A carriage return is written as a line break by clean_text, so a leading "\n" stands for it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
PREFIX = "'"


def inert(value: Any) -> Any:
    """``value`` as it may be written to a cell: text cleaned and never a formula; anything else as is."""
    if not isinstance(value, str):
        return value
    text = clean_text(value, multiline=True)
    if text.startswith(FORMULA_START):
        return PREFIX + text
    return text


def inert_row(values: Iterable[Any]) -> list[Any]:
    """Every value of a row through :func:`inert`."""
    return [inert(v) for v in values]


def restore(value: str) -> str:
    """The text :func:`inert` was given, for a cell the platform wrote and now reads back."""
    if value.startswith(PREFIX) and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value

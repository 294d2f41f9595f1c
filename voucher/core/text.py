"""The one text normaliser (issue 17, item 2): what is stored and what is compared.

:func:`clean_text` removes characters that change how text is shown without being seen themselves:
every format character (Unicode category Cf: the bidirectional marks, embeddings, overrides and isolates
U+200E/F, U+202A–U+202E, U+2066–U+2069, the zero-width characters U+200B–U+200D, the word joiner, the
byte-order mark U+FEFF, the soft hyphen …), the C0/C1 control characters (Cc) and the line and paragraph
separators (Zl, Zp). A multi-line field keeps its tabs and line breaks, every break written as ``\\n``.

:func:`identifier_key` is the form in which identifiers are compared for duplicates (contract and invoice
numbers, product names, credit codes, legal names): compatibility forms folded (NFKC, so a full-width
``ＲＡＣＥ－１`` is ``RACE-1``), cleaned, trimmed, inner whitespace collapsed and case-folded.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import models

_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zl", "Zp"})
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_KEPT_IN_MULTILINE = frozenset("\n\t")


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """``value`` without invisible format and control characters (``None`` → ``""``).

    With ``multiline`` tabs and line breaks stay (``\\r\\n``, ``\\r`` and the Unicode separators become
    ``\\n``); otherwise they go too. Leading and trailing whitespace is left to the caller.
    """
    if not value:
        return ""
    text = str(value)
    if multiline:
        text = _LINE_BREAKS.sub("\n", text)
        return "".join(
            ch
            for ch in text
            if ch in _KEPT_IN_MULTILINE or unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
        )
    return "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)


def identifier_key(value: str | None) -> str:
    """The comparison form of an identifier: NFKC, cleaned, trimmed, inner whitespace collapsed, casefolded.

    ``RACE-1``, ``RACE-1\\u200b``, ``ｒａｃｅ－１`` and `` race-1 `` all give ``race-1``.
    """
    text = clean_text(unicodedata.normalize("NFKC", value or ""))
    return " ".join(text.split()).casefold()


# Rows written once with a hash of their content are stored exactly as given.
UNCLEANED_MODELS = frozenset({"core.auditevent"})


def clean_model_text(sender: type[Any], instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """``pre_save`` receiver, the one place free text is cleaned on its way into the database: every
    ``CharField`` (single line) and ``TextField`` (multi-line) of the platform's models goes through
    :func:`clean_text`. File fields keep their storage names; choices and codes are unaffected (they
    contain no such characters)."""
    meta = instance._meta
    if meta.label_lower in UNCLEANED_MODELS:
        return
    names = set(update_fields) if update_fields else None
    for field in meta.concrete_fields:
        if names is not None and field.name not in names and field.attname not in names:
            continue
        if isinstance(field, models.FileField) or not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str) and value:
            cleaned = clean_text(value, multiline=isinstance(field, models.TextField))
            if cleaned != value:
                setattr(instance, field.attname, cleaned)

"""Bounds on what reading an invoice may cost: file size, archive entries, unpacked bytes, pages, time.

Every reader checks these before (or while) parsing, and gives up with :class:`TooCostly` instead of
working on: an invoice is a one- or two-page document, so anything far larger is not one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_XML_BYTES = 2 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_ZIP_ENTRY_BYTES = 5 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 30 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_PDF_PAGES = 5
MAX_TEXT_CHARS = 100_000
TIME_BUDGET_SECONDS = 5.0


class TooCostly(Exception):
    """The file would take more than the budget to read; the message says which bound."""


@dataclass
class Budget:
    """A deadline checked between the steps of a reader."""

    seconds: float = TIME_BUDGET_SECONDS
    started: float = field(default_factory=time.monotonic)

    def check(self) -> None:
        if time.monotonic() - self.started > self.seconds:
            raise TooCostly("读取超时")

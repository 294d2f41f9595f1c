"""What was read from an invoice: :class:`InvoiceReading`, or :class:`Unreadable` with the reason."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from voucher.core.money import MoneyError, to_money

XML = "xml"
OFD = "ofd"
PDF = "pdf"
SOURCE_LABELS = {XML: "数电票 XML", OFD: "OFD 版式文件", PDF: "PDF 文字层"}

# The fields a provider may confirm or correct, in display order, with their Chinese labels.
FIELD_LABELS = {
    "invoice_number": "发票号码",
    "issue_date": "开票日期",
    "seller_name": "销售方名称",
    "seller_tax_id": "销售方统一社会信用代码/纳税人识别号",
    "buyer_name": "购买方名称",
    "buyer_tax_id": "购买方统一社会信用代码/纳税人识别号",
    "item_names": "项目名称",
    "amount_without_tax": "金额（不含税）",
    "tax": "税额",
    "total": "价税合计",
}


@dataclass(frozen=True)
class InvoiceReading:
    """The fields of one invoice; any may be empty when the file did not carry it."""

    source: str
    invoice_number: str = ""
    issue_date: dt.date | None = None
    seller_name: str = ""
    seller_tax_id: str = ""
    buyer_name: str = ""
    buyer_tax_id: str = ""
    item_names: tuple[str, ...] = field(default_factory=tuple)
    amount_without_tax: Decimal | None = None
    tax: Decimal | None = None
    total: Decimal | None = None

    readable = True

    @property
    def is_empty(self) -> bool:
        return not (self.invoice_number or self.total is not None or self.seller_tax_id or self.buyer_tax_id)

    def as_json(self) -> dict[str, Any]:
        """JSON-safe values (ISO date, amounts as strings) for storage and the API."""
        return {
            "invoice_number": self.invoice_number,
            "issue_date": self.issue_date.isoformat() if self.issue_date else None,
            "seller_name": self.seller_name,
            "seller_tax_id": self.seller_tax_id,
            "buyer_name": self.buyer_name,
            "buyer_tax_id": self.buyer_tax_id,
            "item_names": list(self.item_names),
            "amount_without_tax": str(self.amount_without_tax)
            if self.amount_without_tax is not None
            else None,
            "tax": str(self.tax) if self.tax is not None else None,
            "total": str(self.total) if self.total is not None else None,
        }


@dataclass(frozen=True)
class Unreadable:
    """The file could not be read automatically; the claim continues with manual entry."""

    reason: str

    readable = False


def clean(value: str | None, limit: int = 200) -> str:
    return re.sub(r"\s+", "", value or "")[:limit]


def tax_id(value: str | None) -> str:
    """A credit code / taxpayer number as compared: upper case, letters and digits only."""
    return "".join(ch for ch in (value or "").upper() if ch.isascii() and ch.isalnum())[:20]


def amount(value: str | None) -> Decimal | None:
    """``"1,060.00"`` / ``"¥1060"`` → ``Decimal("1060.00")``; anything else → ``None``."""
    text = re.sub(r"[\s,¥￥元]", "", value or "")
    if not text or len(text) > 20:
        return None
    try:
        return to_money(text)
    except MoneyError:
        return None


_DATE = re.compile(r"(\d{4})\s*[-/年.]?\s*(\d{1,2})\s*[-/月.]?\s*(\d{1,2})")


def date(value: str | None) -> dt.date | None:
    """``2025-07-02``, ``2025-07-02 10:00:00``, ``20250702`` or ``2025年7月2日`` → a date."""
    found = _DATE.search((value or "")[:40])
    if not found:
        return None
    try:
        return dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None

"""Invoice fields found in the text of a rendering (the PDF text layer, the text objects of an OFD).

A 数电票 rendering prints the labels 发票号码, 开票日期, then the buyer's block before the seller's, each
with 名称 and 统一社会信用代码/纳税人识别号, the line items (``*信息技术服务*软件开发``), the 合计 row
(amount, tax) and 价税合计（小写）. Labels are matched with any whitespace removed, so a layout that splits
a label over cells still matches.
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from voucher.claims.files import clean_text
from voucher.claims.invoices import reading
from voucher.claims.invoices.limits import MAX_PDF_PAGES, MAX_TEXT_CHARS, Budget, TooCostly

_MONEY = r"[¥￥]?(-?\d[\d,]*\.\d{2})"
NUMBER = re.compile(r"发票号码[:：]?(\d{8,20})")
ISSUED = re.compile(r"开票日期[:：]?(\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2})")
NAME = re.compile(r"名称[:：]([^:：\n]+?)(?=统一社会信用代码|纳税人识别号|销售方|购买方|名称|\n|$)")
TAX_ID = re.compile(r"(?:统一社会信用代码/纳税人识别号|统一社会信用代码|纳税人识别号)[:：]?([0-9A-Z]{15,20})")
TOTALS = re.compile(r"合计" + _MONEY + _MONEY)
TOTAL = re.compile(r"价税合计.*?\(小写\)" + _MONEY + "|价税合计.*?（小写）" + _MONEY, re.S)
ITEM = re.compile(r"\*[^*\s]{1,40}\*[^\s¥￥*]{1,60}")


def squash_lines(text: str) -> str:
    """Each line without its whitespace; line breaks kept (they end a name)."""
    return "\n".join(re.sub(r"\s+", "", line) for line in text[:MAX_TEXT_CHARS].splitlines() if line.strip())


def read_text(text: str, *, source: str = reading.PDF) -> reading.InvoiceReading:
    """The invoice fields found in ``text``; the first name/tax ID is the buyer's, the second the seller's."""
    text = clean_text(text[:MAX_TEXT_CHARS])
    flat = squash_lines(text)
    number = NUMBER.search(flat)
    issued = ISSUED.search(flat)
    names = [m.group(1) for m in NAME.finditer(flat)]
    ids = [m.group(1) for m in TAX_ID.finditer(flat)]
    totals = TOTALS.search(flat)
    total = TOTAL.search(flat)
    items = list(dict.fromkeys(m.group(0) for m in ITEM.finditer(text)))
    return reading.InvoiceReading(
        source=source,
        invoice_number=number.group(1) if number else "",
        issue_date=reading.date(issued.group(1)) if issued else None,
        buyer_name=reading.clean(names[0]) if names else "",
        seller_name=reading.clean(names[1]) if len(names) > 1 else "",
        buyer_tax_id=reading.tax_id(ids[0]) if ids else "",
        seller_tax_id=reading.tax_id(ids[1]) if len(ids) > 1 else "",
        item_names=tuple(reading.clean(i) for i in items[:50]),
        amount_without_tax=reading.amount(totals.group(1)) if totals else None,
        tax=reading.amount(totals.group(2)) if totals else None,
        total=reading.amount(total.group(1) or total.group(2)) if total else None,
    )


def pdf_text(data: bytes, budget: Budget) -> str:
    """The text layer of the first ``MAX_PDF_PAGES`` pages; refuses a PDF with more pages."""
    pdf = PdfReader(io.BytesIO(data))
    if pdf.is_encrypted:
        raise ValueError("PDF 已加密")
    if len(pdf.pages) > MAX_PDF_PAGES:
        raise TooCostly(f"PDF 超过 {MAX_PDF_PAGES} 页，不像一张发票")
    parts: list[str] = []
    for page in pdf.pages:
        budget.check()
        parts.append(page.extract_text() or "")
        if sum(len(p) for p in parts) > MAX_TEXT_CHARS:
            break
    return "\n".join(parts)[:MAX_TEXT_CHARS]


def read_pdf(data: bytes, budget: Budget) -> reading.InvoiceReading:
    return read_text(pdf_text(data, budget), source=reading.PDF)

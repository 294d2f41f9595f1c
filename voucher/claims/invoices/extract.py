"""One entry point: the bytes of an invoice file → :class:`InvoiceReading` or :class:`Unreadable`.

The format is decided by content: ``%PDF-`` is a PDF rendering, a zip holding ``OFD.xml`` an OFD
rendering, an XML document the 数电票 original. Nothing raised by a reader escapes: a file that is too
large, hostile (entity expansion, zip bomb), damaged, of another format, or that yields no invoice field
is *unreadable*, and the claim continues with the data the provider types.
"""

from __future__ import annotations

import logging
import zipfile

from voucher.claims.invoices import ofd, reading, text
from voucher.claims.invoices import xml as invoice_xml
from voucher.claims.invoices.limits import MAX_FILE_BYTES, Budget, TooCostly
from voucher.claims.invoices.reading import InvoiceReading, Unreadable

__all__ = ["InvoiceReading", "Unreadable", "read_invoice"]

logger = logging.getLogger(__name__)

_BOM = b"\xef\xbb\xbf"


def detect_format(data: bytes) -> str | None:
    """``pdf``, ``ofd`` or ``xml`` from the first bytes, or ``None``."""
    if data.startswith(b"%PDF-"):
        return reading.PDF
    if data.startswith(b"PK\x03\x04"):
        return reading.OFD
    head = data[:64].removeprefix(_BOM).lstrip()
    if head.startswith(b"<"):
        return reading.XML
    return None


def read_invoice(data: bytes, *, budget: Budget | None = None) -> InvoiceReading | Unreadable:
    """Read an invoice file within the size and time budget (:mod:`voucher.claims.invoices.limits`)."""
    budget = budget or Budget()
    if len(data) > MAX_FILE_BYTES:
        return Unreadable(f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，未自动识别")
    kind = detect_format(data)
    try:
        if kind == reading.XML:
            result = invoice_xml.read_xml(data)
        elif kind == reading.OFD:
            result = ofd.read_ofd(data, budget)
        elif kind == reading.PDF:
            result = text.read_pdf(data, budget)
        else:
            return Unreadable("文件不是数电票 XML、OFD 或 PDF")
        budget.check()
    except TooCostly as exc:
        return Unreadable(f"文件超出读取限制：{exc}")
    except (invoice_xml.NotAnInvoice, ofd.NotAnOfd, zipfile.BadZipFile) as exc:
        return Unreadable(str(exc))
    except Exception as exc:  # pypdf and zipfile raise many error types for damaged files
        logger.info("invoice unreadable: %s", type(exc).__name__)
        return Unreadable("文件已损坏或格式不受支持")
    if result.is_empty:
        return Unreadable("文件中未找到发票号码、金额或纳税人识别号（可能是扫描件）")
    return result

"""OFD renderings (GB/T 33190): a zip of XML files, read with :mod:`zipfile` and defusedxml.

``OFD.xml`` names the document (``DocBody/DocRoot``, e.g. ``Doc_0/Document.xml``). The reading comes
from, in order of preference:

1. an attached 数电票 XML (any ``.xml`` entry whose root is ``EInvoice``, e.g. under ``Doc_0/Attachs/``);
2. the document's custom tags (``CustomTags.xml`` → ``CustomTag.xml``: ``InvoiceNo``, ``IssueDate``,
   ``BuyerName``, ``BuyerTaxID``, ``SellerName``, ``SellerTaxID``, ``TaxExclusiveTotalAmount``,
   ``TaxTotalAmount``, ``TaxInclusiveTotalAmount``), each tag pointing at text objects by ``ObjectRef``;
3. the text objects of the pages (``TextObject/TextCode``), read like a PDF's text layer.

The archive is checked before anything is unpacked: entry count, each entry's and the total unpacked
size, the compression ratio; entries are read through a bounded reader.
"""

from __future__ import annotations

import dataclasses
import io
import posixpath
import zipfile
from typing import Any

from voucher.claims.invoices import reading, text
from voucher.claims.invoices import xml as invoice_xml
from voucher.claims.invoices.limits import (
    MAX_COMPRESSION_RATIO,
    MAX_XML_BYTES,
    MAX_ZIP_ENTRIES,
    MAX_ZIP_ENTRY_BYTES,
    MAX_ZIP_TOTAL_BYTES,
    Budget,
    TooCostly,
)

ENTRY = "OFD.xml"
TAG_FIELDS = {
    "InvoiceNo": "invoice_number",
    "IssueDate": "issue_date",
    "BuyerName": "buyer_name",
    "BuyerTaxID": "buyer_tax_id",
    "SellerName": "seller_name",
    "SellerTaxID": "seller_tax_id",
    "TaxExclusiveTotalAmount": "amount_without_tax",
    "TaxTotalAmount": "tax",
    "TaxInclusiveTotalAmount": "total",
}


class NotAnOfd(ValueError):
    """A zip without ``OFD.xml``, or one whose structure is broken."""


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The zip, once its directory shows it is within bounds."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise NotAnOfd("不是有效的 OFD（zip）文件") from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise TooCostly(f"OFD 条目过多（{len(entries)} 个）")
    if sum(e.file_size for e in entries) > MAX_ZIP_TOTAL_BYTES:
        raise TooCostly("OFD 解压后过大")
    for entry in entries:
        if entry.file_size > MAX_ZIP_ENTRY_BYTES:
            raise TooCostly(f"OFD 条目 {entry.filename} 过大")
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_COMPRESSION_RATIO * max(
            entry.compress_size, 1
        ):
            raise TooCostly("OFD 压缩比异常（可能是压缩炸弹）")
    if ENTRY not in archive.namelist():
        raise NotAnOfd("压缩包中没有 OFD.xml")
    return archive


def _read(archive: zipfile.ZipFile, name: str, limit: int = MAX_XML_BYTES) -> bytes:
    """One entry's bytes, never more than ``limit`` whatever its header claims."""
    try:
        with archive.open(name) as handle:
            data = handle.read(limit + 1)
    except KeyError as exc:
        raise NotAnOfd(f"OFD 缺少 {name}") from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise NotAnOfd(f"OFD 条目 {name} 已损坏") from exc
    if len(data) > limit:
        raise TooCostly(f"OFD 条目 {name} 过大")
    return data


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        return invoice_xml.parse(_read(archive, name))
    except invoice_xml.NotAnInvoice as exc:
        raise NotAnOfd(f"OFD 条目 {name} 不是有效的 XML") from exc


def _resolve(base: str, loc: str) -> str:
    """A ``BaseLoc``/``FileLoc`` relative to the file that names it (a leading ``/`` is the root)."""
    loc = (loc or "").strip().replace("\\", "/")
    path = loc.lstrip("/") if loc.startswith("/") else posixpath.join(posixpath.dirname(base), loc)
    return posixpath.normpath(path).lstrip("/")


def _find(element: Any, name: str) -> list[Any]:
    return [e for e in element.iter() if invoice_xml.local(e.tag) == name]


def _attached_invoice(archive: zipfile.ZipFile, budget: Budget) -> reading.InvoiceReading | None:
    for name in archive.namelist():
        budget.check()
        if not name.lower().endswith(".xml") or name == ENTRY:
            continue
        head = _read(archive, name)
        if b"EInvoice" not in head[:4096]:
            continue
        root = invoice_xml.parse(head)
        if invoice_xml.is_invoice(root):
            return invoice_xml.read_root(root)
    return None


def _text_objects(
    archive: zipfile.ZipFile, document: str, doc: Any, budget: Budget
) -> tuple[dict[str, str], str]:
    """Text object id → text, and the pages' text in reading order (top to bottom, left to right)."""
    by_id: dict[str, str] = {}
    lines: list[str] = []
    for page in _find(doc, "Page"):
        budget.check()
        content = _resolve(document, page.get("BaseLoc", ""))
        if content not in archive.namelist():
            continue
        root = _xml(archive, content)
        placed = []
        for obj in _find(root, "TextObject"):
            codes = _find(obj, "TextCode")
            value = "".join(c.text or "" for c in codes)
            if obj.get("ID"):
                by_id[obj.get("ID")] = value
            box = (obj.get("Boundary") or "0 0 0 0").split()
            try:
                x, y = float(box[0]), float(box[1])
            except (ValueError, IndexError):
                x = y = 0.0
            placed.append((round(y), x, value))
        rows: dict[int, list[tuple[float, str]]] = {}
        for y, x, value in placed:
            rows.setdefault(y, []).append((x, value))
        for y in sorted(rows):
            lines.append(" ".join(v for _, v in sorted(rows[y])))
    return by_id, "\n".join(lines)


def _custom_tags(archive: zipfile.ZipFile, document: str, doc: Any, by_id: dict[str, str]) -> dict[str, str]:
    """The invoice fields tagged in ``CustomTags.xml`` (text of the referenced objects)."""
    found: dict[str, str] = {}
    index = _find(doc, "CustomTags")
    if not index or not (index[0].text or "").strip():
        return found
    tags_path = _resolve(document, index[0].text)
    if tags_path not in archive.namelist():
        return found
    for tag in _find(_xml(archive, tags_path), "CustomTag"):
        locs = _find(tag, "FileLoc")
        if not locs or not (locs[0].text or "").strip():
            continue
        path = _resolve(tags_path, locs[0].text)
        if path not in archive.namelist():
            continue
        for element in _xml(archive, path).iter():
            field = TAG_FIELDS.get(invoice_xml.local(element.tag))
            if field is None:
                continue
            refs = [(r.text or "").strip() for r in _find(element, "ObjectRef")]
            value = "".join(by_id.get(r, "") for r in refs) if refs else (element.text or "")
            if value.strip():
                found[field] = value
    return found


def read_ofd(data: bytes, budget: Budget) -> reading.InvoiceReading:
    """The reading of an OFD invoice (see the module docstring for where each field comes from)."""
    archive = open_archive(data)
    attached = _attached_invoice(archive, budget)
    if attached is not None:
        return dataclasses.replace(attached, source=reading.OFD)
    roots = _find(_xml(archive, ENTRY), "DocRoot")
    if not roots or not (roots[0].text or "").strip():
        raise NotAnOfd("OFD.xml 未指明文档（DocRoot）")
    document = _resolve(ENTRY, roots[0].text)
    doc = _xml(archive, document)
    by_id, page_text = _text_objects(archive, document, doc, budget)
    tagged = _custom_tags(archive, document, doc, by_id)
    fallback = text.read_text(page_text, source=reading.OFD)
    return reading.InvoiceReading(
        source=reading.OFD,
        invoice_number=reading.clean(tagged.get("invoice_number"), 40) or fallback.invoice_number,
        issue_date=reading.date(tagged.get("issue_date")) or fallback.issue_date,
        seller_name=reading.clean(tagged.get("seller_name")) or fallback.seller_name,
        seller_tax_id=reading.tax_id(tagged.get("seller_tax_id")) or fallback.seller_tax_id,
        buyer_name=reading.clean(tagged.get("buyer_name")) or fallback.buyer_name,
        buyer_tax_id=reading.tax_id(tagged.get("buyer_tax_id")) or fallback.buyer_tax_id,
        item_names=fallback.item_names,
        amount_without_tax=_amount(tagged, "amount_without_tax", fallback.amount_without_tax),
        tax=_amount(tagged, "tax", fallback.tax),
        total=_amount(tagged, "total", fallback.total),
    )


def _amount(tagged: dict[str, str], field: str, fallback: Any) -> Any:
    value = reading.amount(tagged.get(field))
    return value if value is not None else fallback

"""The 数电票 XML (电子发票（全面数字化）XML 格式): the structured original of a fully digital invoice.

Structure read (namespaces ignored)::

    EInvoice/Header/EIid
    EInvoice/EInvoiceData/SellerInformation/SellerIdNum, SellerName
    EInvoice/EInvoiceData/BuyerInformation/BuyerIdNum, BuyerName
    EInvoice/EInvoiceData/BasicInformation/TotalAmWithoutTax, TotalTaxAm, TotalTax-includedAmount
    EInvoice/EInvoiceData/IssuItemInformation/ItemName          (one per line item)
    EInvoice/TaxSupervisionInfo/InvoiceNumber, IssueTime

Parsed with defusedxml: a document type declaration (and so any entity, the "billion laughs") is refused.
"""

from __future__ import annotations

from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from voucher.claims.invoices import reading
from voucher.claims.invoices.limits import MAX_XML_BYTES, TooCostly

ROOT = "EInvoice"


class NotAnInvoice(ValueError):
    """Well-formed XML that is not a 数电票."""


def local(tag: Any) -> str:
    """The element name without its namespace (``{urn:x}EIid`` → ``EIid``)."""
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse(data: bytes) -> Any:
    """The root element of ``data``; refuses DTDs, entities and anything over ``MAX_XML_BYTES``."""
    if len(data) > MAX_XML_BYTES:
        raise TooCostly("XML 过大")
    try:
        return ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise TooCostly("XML 含有实体或文档类型声明") from exc
    except ElementTree.ParseError as exc:
        raise NotAnInvoice("XML 格式错误") from exc


def _child(element: Any, *path: str) -> Any:
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if local(c.tag) == name), None)
    return element


def _text(element: Any, *path: str) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def is_invoice(root: Any) -> bool:
    return local(root.tag) == ROOT


def read_root(root: Any) -> reading.InvoiceReading:
    """The reading of a parsed ``EInvoice`` element (shared with OFD files that carry the XML)."""
    if not is_invoice(root):
        raise NotAnInvoice("根元素不是 EInvoice")
    data = _child(root, "EInvoiceData")
    if data is None:  # some issuers put the information blocks directly under the root
        data = root
    supervision = _child(root, "TaxSupervisionInfo")
    number = _text(supervision, "InvoiceNumber") or _text(_child(data, "BasicInformation"), "InvoiceNumber")
    issued = _text(supervision, "IssueTime") or _text(_child(data, "BasicInformation"), "RequestTime")
    basic = _child(data, "BasicInformation")
    items = [
        reading.clean(_text(item, "ItemName"))
        for item in data.iter()
        if local(item.tag) == "IssuItemInformation"
    ]
    return reading.InvoiceReading(
        source=reading.XML,
        invoice_number=reading.clean(number, 40),
        issue_date=reading.date(issued),
        seller_name=reading.clean(_text(data, "SellerInformation", "SellerName")),
        seller_tax_id=reading.tax_id(_text(data, "SellerInformation", "SellerIdNum")),
        buyer_name=reading.clean(_text(data, "BuyerInformation", "BuyerName")),
        buyer_tax_id=reading.tax_id(_text(data, "BuyerInformation", "BuyerIdNum")),
        item_names=tuple(i for i in items if i)[:50],
        amount_without_tax=reading.amount(_text(basic, "TotalAmWithoutTax")),
        tax=reading.amount(_text(basic, "TotalTaxAm")),
        total=reading.amount(_text(basic, "TotalTax-includedAmount")),
    )


def read_xml(data: bytes) -> reading.InvoiceReading:
    """The reading of a 数电票 XML file."""
    return read_root(parse(data))

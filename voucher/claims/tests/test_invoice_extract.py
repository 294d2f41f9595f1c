"""Reading invoices: the 数电票 XML, OFD and PDF renderings built here, and hostile files refused in budget."""

from __future__ import annotations

import datetime as dt
import time
import tracemalloc
from decimal import Decimal

import pytest

from voucher.claims.invoices import limits
from voucher.claims.invoices.extract import InvoiceReading, Unreadable, read_invoice
from voucher.testing import invoices as samples

EXPECTED = {
    "invoice_number": "25112000000012345678",
    "issue_date": dt.date(2025, 7, 2),
    "seller_name": "北京数智服务有限公司",
    "seller_tax_id": "91110108MA01PROV01",
    "buyer_name": "北京小微制造有限公司",
    "buyer_tax_id": "91110105MA01ENTP01",
    "amount_without_tax": Decimal("94339.62"),
    "tax": Decimal("5660.38"),
    "total": Decimal("100000.00"),
}


def _fields(result: InvoiceReading | Unreadable) -> dict:
    assert isinstance(result, InvoiceReading), result
    return {name: getattr(result, name) for name in EXPECTED}


@pytest.mark.parametrize(
    ("build", "source"),
    [
        (samples.invoice_xml, "xml"),
        (samples.invoice_ofd_attached, "ofd"),
        (samples.invoice_ofd_tagged, "ofd"),
        (samples.invoice_ofd_text, "ofd"),
        (samples.invoice_pdf, "pdf"),
    ],
)
def test_invoice_extracts_every_field_from_each_format(build, source):
    result = read_invoice(build())
    assert _fields(result) == EXPECTED
    assert result.source == source
    assert all(isinstance(getattr(result, f), Decimal) for f in ("amount_without_tax", "tax", "total"))


@pytest.mark.parametrize("build", [samples.invoice_xml, samples.invoice_ofd_text, samples.invoice_pdf])
def test_invoice_item_names_are_read(build):
    result = read_invoice(
        build(samples.Sample(items=("*信息技术服务*数字化转型咨询服务", "*现代服务*软件运维")))
    )
    assert isinstance(result, InvoiceReading)
    assert result.item_names == ("*信息技术服务*数字化转型咨询服务", "*现代服务*软件运维")


def test_invoice_xml_with_namespace_and_bom_is_read():
    data = samples.invoice_xml().replace(b"<EInvoice>", b'<EInvoice xmlns="urn:einvoice">')
    result = read_invoice(b"\xef\xbb\xbf" + data)
    assert _fields(result) == EXPECTED


def test_invoice_scanned_pdf_is_unreadable_not_an_error():
    from voucher.testing.claims import scanned_pdf

    result = read_invoice(scanned_pdf())
    assert isinstance(result, Unreadable)
    assert "扫描件" in result.reason


@pytest.mark.parametrize(
    "data",
    [b"", b"hello", b"<html><body>x</body></html>", b"<EInvoice><unclosed>", b"%PDF-1.4 garbage"],
)
def test_invoice_other_or_damaged_files_are_unreadable(data):
    assert isinstance(read_invoice(data), Unreadable)


def _within_budget(data: bytes) -> Unreadable:
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = read_invoice(data)
    finally:
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert isinstance(result, Unreadable), result
    assert elapsed < 2.0
    assert peak < 64 * 1024 * 1024
    return result


def test_invoice_billion_laughs_is_refused():
    result = _within_budget(samples.billion_laughs())
    assert "实体" in result.reason


def test_invoice_external_entity_is_refused():
    result = _within_budget(samples.external_entity())
    assert "实体" in result.reason


def test_invoice_zip_bomb_is_refused():
    data = samples.zip_bomb()
    assert len(data) < 1024 * 1024
    result = _within_budget(data)
    assert "压缩" in result.reason or "过大" in result.reason


def test_invoice_ofd_with_too_many_entries_is_refused():
    assert "条目过多" in _within_budget(samples.ofd_many_entries()).reason


def test_invoice_malformed_ofd_zip_is_refused():
    _within_budget(samples.malformed_zip())


def test_invoice_zip_without_ofd_entry_is_unreadable():
    data = samples._zip({"word/document.xml": b"<x/>"})
    assert "OFD.xml" in _within_budget(data).reason


def test_invoice_huge_file_is_refused_before_parsing():
    data = b"<EInvoice>" + b" " * (limits.MAX_FILE_BYTES + 1)
    assert "MB" in _within_budget(data).reason


def test_invoice_pdf_with_too_many_pages_is_refused():
    from voucher.testing.claims import make_pdf

    many = make_pdf(["发票号码：1234567890"] * 400)
    assert "页" in _within_budget(many).reason


def test_invoice_time_budget_stops_a_slow_read():
    budget = limits.Budget(seconds=0.0)
    time.sleep(0.001)
    result = read_invoice(samples.invoice_ofd_text(), budget=budget)
    assert isinstance(result, Unreadable)
    assert "超时" in result.reason

"""C4: the annex table as text, PDF (with the CJK font) and DOCX contains the order number, time and product."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest

from voucher.contracts import annex
from voucher.core import clock

pytestmark = pytest.mark.django_db


def expected(order):
    return order.number, clock.local(order.ordered_at).strftime("%Y-%m-%d %H:%M:%S"), order.product.name


def test_c4_annex_text_is_a_pasteable_table(order):
    lines = annex.annex_text(order).split("\n")
    assert lines[0].split("\t") == ["系统订单编号", "系统下单时间", "产品名称"]
    assert tuple(lines[1].split("\t")) == expected(order)


def test_c4_annex_pdf_contains_the_order_number_time_and_product(order, tmp_path):
    data = annex.annex_pdf(order)
    assert data.startswith(b"%PDF")
    path = tmp_path / "annex.pdf"
    path.write_bytes(data)
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    for value in (*expected(order), "系统订单编号", "产品名称"):
        assert value in text.replace("\n", " ") or value in text
    assert b"NotoSansSC" in data  # the CJK font is embedded


def test_c4_annex_docx_has_the_table(order):
    from docx import Document

    data = annex.annex_docx(order)
    assert zipfile.is_zipfile(io.BytesIO(data))
    table = Document(io.BytesIO(data)).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["系统订单编号", "系统下单时间", "产品名称"]
    assert tuple(c.text for c in table.rows[1].cells) == expected(order)

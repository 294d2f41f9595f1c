"""The contract annex (SPEC C4): the table every voucher contract must contain — system order number,
system order time and product name — as copyable text, a PDF fragment and a DOCX fragment.

The PDF embeds a subset of Noto Sans SC (SIL OFL 1.1, from the pinned ``pylopdf-fonts-zh-cn``), as the
enterprise pledge does, so it shows Chinese on any reader.
"""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from voucher.core import clock
from voucher.enterprises.pdf import FONT, font_path
from voucher.orders.models import Order

TITLE = "服务券订单信息"
HEADERS = ("系统订单编号", "系统下单时间", "产品名称")


def annex_row(order: Order) -> tuple[str, str, str]:
    return (order.number, clock.local(order.ordered_at).strftime("%Y-%m-%d %H:%M:%S"), order.product.name)


def annex_text(order: Order) -> str:
    """Tab-separated lines: pasted into Word or WPS they become a two-row table."""
    return "\t".join(HEADERS) + "\n" + "\t".join(annex_row(order))


def annex_pdf(order: Order) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(f"{TITLE} {order.number}")
    pdf.set_creator("北京市中小企业服务券平台")
    pdf.add_font(FONT, "", str(font_path()))
    pdf.add_page()
    pdf.set_font(FONT, size=14)
    pdf.cell(0, 10, f"附：{TITLE}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=11)
    with pdf.table(
        col_widths=(32, 28, 40),
        text_align="LEFT",
        line_height=8,
        headings_style=FontFace(emphasis=None, fill_color=(235, 235, 235)),
    ) as table:
        header = table.row()
        for text in HEADERS:
            header.cell(text)
        row = table.row()
        for text in annex_row(order):
            row.cell(text)
    pdf.ln(4)
    pdf.set_font(FONT, size=9)
    pdf.multi_cell(
        0,
        5,
        f"依据《{order.programme.year}年北京市中小企业服务券工作指南》，服务合同内须以列表形式体现系统订单编号、系统下单时间及产品名称。",
    )
    return bytes(pdf.output())


def annex_docx(order: Order) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(f"附：{TITLE}", level=2)
    table = document.add_table(rows=2, cols=3)
    table.style = "Table Grid"
    for i, text in enumerate(HEADERS):
        table.cell(0, i).text = text
    for i, text in enumerate(annex_row(order)):
        table.cell(1, i).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

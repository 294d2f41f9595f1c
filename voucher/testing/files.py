"""Files the tests upload: real text PDFs with the embedded CJK font, and small images."""

from __future__ import annotations

import io

from fpdf import FPDF
from PIL import Image

from voucher.enterprises.pdf import FONT, font_path


def make_pdf(lines: list[str]) -> bytes:
    """A real text PDF with the embedded CJK font (as a document exported from a word processor)."""
    pdf = FPDF(format="A4")
    pdf.add_font(FONT, "", str(font_path()))
    pdf.add_page()
    pdf.set_font(FONT, size=11)
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def png_bytes(colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (60, 40)) -> bytes:
    """A small solid-colour PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()

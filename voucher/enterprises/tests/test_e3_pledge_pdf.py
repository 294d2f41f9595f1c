"""E3/R2: the 中小微企业划型及用券承诺 PDF embeds its CJK font and carries the enterprise's data."""

from __future__ import annotations

import re
import zlib

from voucher.enterprises.models import SizeClassification
from voucher.enterprises.pdf import pledge_pdf


def _streams(pdf: bytes) -> list[bytes]:
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        data = match.group(1)
        try:
            out.append(zlib.decompress(data))
        except zlib.error:
            out.append(data)
    return out


def _mapped_characters(pdf: bytes) -> set[str]:
    """Every character the embedded font's ToUnicode map can show (what text extraction returns)."""
    chars: set[str] = set()
    for stream in _streams(pdf):
        if b"begincmap" not in stream:
            continue
        for hexes in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", stream):
            text = bytes.fromhex(hexes.decode()).decode("utf-16-be", errors="ignore")
            chars.update(text)
    return chars


def test_e3_pledge_pdf_embeds_cjk_font_and_shows_the_data(eligible_user) -> None:
    classification = SizeClassification.objects.get(organisation=eligible_user.organisation)
    pdf = pledge_pdf(classification=classification, order_number="DD2025000123")
    assert pdf.startswith(b"%PDF")
    assert re.search(rb"/FontFile[23]?\s", pdf), "font program must be embedded"
    assert b"NotoSansSC" in pdf
    chars = _mapped_characters(pdf)
    for text in [
        "中小微企业划型及用券承诺",
        eligible_user.organisation.name,
        "小型企业",
        "转让、倒卖服务券",
        "DD2025000123",
    ]:
        missing = set(text) - chars - {" "}
        assert not missing, f"{text!r} not in the embedded font: {missing}"


def test_e3_pledge_without_order_number_says_so(eligible_user) -> None:
    classification = SizeClassification.objects.get(organisation=eligible_user.organisation)
    chars = _mapped_characters(pledge_pdf(classification=classification))
    assert set("下单后按订单生成") <= chars

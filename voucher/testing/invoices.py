"""Invoice files built by the tests: a 数电票 XML, its OFD and PDF renderings, and hostile files."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from voucher.testing.files import make_pdf

OFD_NS = "http://www.ofdspec.org/2016"


@dataclass(frozen=True)
class Sample:
    number: str = "25112000000012345678"
    issued: str = "2025-07-02 10:20:30"
    seller_name: str = "北京数智服务有限公司"
    seller_id: str = "91110108MA01PROV01"
    buyer_name: str = "北京小微制造有限公司"
    buyer_id: str = "91110105MA01ENTP01"
    items: tuple[str, ...] = field(default=("*信息技术服务*数字化转型咨询服务",))
    without_tax: str = "94339.62"
    tax: str = "5660.38"
    total: str = "100000.00"


def invoice_xml(s: Sample = Sample()) -> bytes:
    """A 数电票 XML following the published structure (EInvoice/Header/EInvoiceData/TaxSupervisionInfo)."""
    items = "".join(
        f"<IssuItemInformation><ItemName>{escape(i)}</ItemName><Amount>{s.without_tax}</Amount>"
        f"<TaxRate>0.06</TaxRate><ComTaxAm>{s.tax}</ComTaxAm></IssuItemInformation>"
        for i in s.items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        "<EInvoice><Header><EIid>" + s.number + "</EIid><EInvoiceTag>SWEI3100</EInvoiceTag>"
        "<Version>0.1</Version></Header><EInvoiceData>"
        f"<SellerInformation><SellerIdNum>{s.seller_id}</SellerIdNum><SellerName>{escape(s.seller_name)}</SellerName>"
        "</SellerInformation>"
        f"<BuyerInformation><BuyerIdNum>{s.buyer_id}</BuyerIdNum><BuyerName>{escape(s.buyer_name)}</BuyerName>"
        "</BuyerInformation>"
        f"<BasicInformation><TotalAmWithoutTax>{s.without_tax}</TotalAmWithoutTax><TotalTaxAm>{s.tax}</TotalTaxAm>"
        f"<TotalTax-includedAmount>{s.total}</TotalTax-includedAmount>"
        "<TotalTax-includedAmountInChinese>壹拾万元整</TotalTax-includedAmountInChinese>"
        f"<Drawer>张三</Drawer><RequestTime>{s.issued}</RequestTime></BasicInformation>"
        f"{items}</EInvoiceData>"
        f"<TaxSupervisionInfo><InvoiceNumber>{s.number}</InvoiceNumber><IssueTime>{s.issued}</IssueTime>"
        "<TaxBureauCode>11100000000</TaxBureauCode></TaxSupervisionInfo></EInvoice>"
    ).encode()


def rendering_lines(s: Sample = Sample()) -> list[str]:
    """The text of a 数电票 rendering, top to bottom."""
    year, month, day = s.issued[:10].split("-")
    return [
        "电子发票（普通发票）",
        f"发票号码：{s.number}",
        f"开票日期：{year}年{month}月{day}日",
        f"购买方信息 名称：{s.buyer_name}",
        f"统一社会信用代码/纳税人识别号：{s.buyer_id}",
        f"销售方信息 名称：{s.seller_name}",
        f"统一社会信用代码/纳税人识别号：{s.seller_id}",
        "项目名称 规格型号 单位 数量 单价 金额 税率/征收率 税额",
        *(f"{i} 项 1 {s.without_tax} {s.without_tax} 6% {s.tax}" for i in s.items),
        f"合 计 ¥{s.without_tax} ¥{s.tax}",
        f"价税合计（大写） 壹拾万元整 （小写）¥{s.total}",
        "开票人：张三",
    ]


def invoice_pdf(s: Sample = Sample()) -> bytes:
    return make_pdf(rendering_lines(s))


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _ofd_skeleton(page_xml: bytes, extra: dict[str, bytes] | None = None, tags: bool = False) -> bytes:
    entry = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.1" DocType="OFD">'
        "<ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    ).encode()
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData>'
        "<ofd:MaxUnitID>100</ofd:MaxUnitID></ofd:CommonData>"
        '<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>'
        + ("<ofd:CustomTags>CustomTags.xml</ofd:CustomTags>" if tags else "")
        + "</ofd:Document>"
    ).encode()
    entries = {"OFD.xml": entry, "Doc_0/Document.xml": document, "Doc_0/Pages/Page_0/Content.xml": page_xml}
    entries.update(extra or {})
    return _zip(entries)


def _page(lines: list[str]) -> bytes:
    objects = "".join(
        f'<ofd:TextObject ID="{10 + n}" Boundary="10 {10 + 8 * n} 180 6" Font="1" Size="3">'
        f'<ofd:TextCode X="0" Y="5">{escape(line)}</ofd:TextCode></ofd:TextObject>'
        for n, line in enumerate(lines)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
        f'<ofd:Layer ID="2">{objects}</ofd:Layer></ofd:Content></ofd:Page>'
    ).encode()


def invoice_ofd_text(s: Sample = Sample()) -> bytes:
    """An OFD rendering with only the page's text objects (no attachment, no tags)."""
    return _ofd_skeleton(_page(rendering_lines(s)))


def invoice_ofd_attached(s: Sample = Sample()) -> bytes:
    """An OFD rendering carrying the 数电票 XML as an attachment."""
    return _ofd_skeleton(
        _page(["电子发票（普通发票）"]), {"Doc_0/Attachs/original_invoice.xml": invoice_xml(s)}
    )


def invoice_ofd_tagged(s: Sample = Sample()) -> bytes:
    """An OFD rendering whose custom tags point at the text objects of the fields (no labels in the text)."""
    values = [
        s.number,
        s.issued[:10],
        s.buyer_name,
        s.buyer_id,
        s.seller_name,
        s.seller_id,
        s.without_tax,
        s.tax,
        s.total,
    ]
    names = [
        "InvoiceNo",
        "IssueDate",
        "BuyerName",
        "BuyerTaxID",
        "SellerName",
        "SellerTaxID",
        "TaxExclusiveTotalAmount",
        "TaxTotalAmount",
        "TaxInclusiveTotalAmount",
    ]
    tagged = "".join(
        f'<{n}><ofd:ObjectRef PageRef="1">{10 + i}</ofd:ObjectRef></{n}>' for i, n in enumerate(names)
    )
    index = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:CustomTags xmlns:ofd="{OFD_NS}">'
        '<ofd:CustomTag NameSpace="http://www.edrm.com/"><ofd:FileLoc>Tags/CustomTag.xml</ofd:FileLoc>'
        "</ofd:CustomTag></ofd:CustomTags>"
    ).encode()
    tag_file = (
        f'<?xml version="1.0" encoding="UTF-8"?><eInvoice xmlns:ofd="{OFD_NS}">{tagged}</eInvoice>'
    ).encode()
    return _ofd_skeleton(
        _page(values), {"Doc_0/CustomTags.xml": index, "Doc_0/Tags/CustomTag.xml": tag_file}, tags=True
    )


def billion_laughs() -> bytes:
    lol = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    return (
        '<?xml version="1.0"?><!DOCTYPE EInvoice [<!ENTITY lol0 "lol">' + lol + "]>"
        "<EInvoice><TaxSupervisionInfo><InvoiceNumber>&lol9;</InvoiceNumber></TaxSupervisionInfo></EInvoice>"
    ).encode()


def external_entity() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE EInvoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<EInvoice><TaxSupervisionInfo><InvoiceNumber>&x;</InvoiceNumber></TaxSupervisionInfo></EInvoice>"
    )


def zip_bomb() -> bytes:
    """An OFD whose one page unpacks 4 MB of zeros per few KB, many times over."""
    zeros = b"\0" * (4 * 1024 * 1024)
    return _zip({"OFD.xml": b"<OFD/>", **{f"Doc_0/Res/{n}.bin": zeros for n in range(10)}})


def ofd_many_entries() -> bytes:
    return _zip({"OFD.xml": b"<OFD/>", **{f"e/{n}": b"" for n in range(600)}}, zipfile.ZIP_STORED)


def malformed_zip() -> bytes:
    good = invoice_ofd_text()
    return good[: len(good) // 2] + b"\0" * 100


def sample_for(claim, **overrides) -> Sample:  # type: ignore[no-untyped-def]
    """A sample invoice that matches ``claim``: its enterprise buys, its provider sells, the contract total."""
    import datetime as dt

    values = {
        "number": f"2511200000{claim.pk:010d}",
        "issued": f"{claim.contract.signed_on + dt.timedelta(days=1):%Y-%m-%d} 09:30:00",
        "seller_name": claim.provider.name,
        "seller_id": claim.provider.uscc,
        "buyer_name": claim.enterprise.name,
        "buyer_id": claim.enterprise.uscc,
        "items": (f"*信息技术服务*{claim.order.product.name}",),
        "without_tax": "94339.62",
        "tax": "5660.38",
        "total": str(claim.contract.total_amount),
    }
    values.update(overrides)
    return Sample(**values)


def upload_file(name: str, data: bytes):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def another_claim(buyer, provider, programme):  # type: ignore[no-untyped-def]
    """A second claim of the same enterprise and provider, on another product (for duplicate checks)."""
    from voucher.claims import services
    from voucher.contracts import services as contract_services
    from voucher.core import clock
    from voucher.testing.builders import ORDER_DAY, make_product
    from voucher.testing.contracts import place_and_accept, terms

    with clock.frozen_at(ORDER_DAY):
        product = make_product(programme, provider=provider)
        order = place_and_accept(buyer, product, provider)
        recorded = contract_services.contract_record(actor=provider, order=order, terms=terms())
        contract_services.contract_confirm(actor=buyer, contract=recorded)
    return services.claim_start(actor=provider, contract=recorded)

"""The 中小微企业划型及用券承诺 PDF (SPEC E3, R2), with an embedded CJK font.

The font is Noto Sans SC (SIL OFL 1.1) from the pinned ``pylopdf-fonts-zh-cn`` package; fpdf2 embeds a
subset of the glyphs used, so the file shows Chinese on any reader without installed fonts.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pylopdf_fonts_zh_cn
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from voucher.core import clock
from voucher.core.money import format_cny
from voucher.enterprises.models import EnterpriseAuthentication, QuotaAccount, SizeClassification

FONT = "NotoSansSC"

# fpdf2 subsets the font with fontTools, which reports every table at INFO level.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def font_path() -> Path:
    return Path(pylopdf_fonts_zh_cn.sans_path())


def pledge_text(classification: SizeClassification) -> list[str]:
    """The pledge in the guide's spirit (附件2-2 用券指南; 工作指南 §五)."""
    year = classification.programme.year
    return [
        f"一、本单位承诺以上划型数据（{classification.data_year}年度从业人员、营业收入、资产总额及主营业务行业）"
        "真实、准确、完整，与报送统计、税务等部门的数据一致；本单位为注册地在北京市的中小微企业。",
        "二、本单位近3年在经营、环保、纳税等方面无严重失信行为记录，未被纳入失信被执行人名单。",
        f"三、本单位将按照《{year}年北京市中小企业服务券工作指南》领取、使用服务券：所购服务产品仅供本单位使用，"
        "不转让、倒卖服务券或已采购产品；合同服务内容与用券产品一致，按补贴后价格支付，不虚构合同或提高合同金额。",
        "四、服务券兑付后，如存在未开展实质服务或全部、部分退款的情况，本单位将配合服务机构主动上报并退回相应资金。",
        "五、如有违反，本单位愿意承担终止交易、追回补贴资金、取消领券资格、3年内不再受理相关政策资金申请等"
        "后果，并承担相应的法律责任。",
    ]


def _pledge_rows(
    classification: SizeClassification,
    auth: EnterpriseAuthentication | None,
    account: QuotaAccount | None,
    order_number: str | None,
) -> list[tuple[str, str]]:
    """The pledge's table: the enterprise, its classification, its quota and the order number."""
    org = classification.organisation
    return [
        ("企业名称", org.name),
        ("统一社会信用代码", org.uscc or ""),
        ("登记管理机关", f"{auth.division_code} {auth.division_name}" if auth else ""),
        ("注册地址", org.registered_address),
        ("主营业务行业（GB/T 4754-2017）", str(classification.industry)),
        (
            "划型行业",
            classification.industry_group.name
            + ("（按年度规定参照）" if classification.group_by_programme_rule else ""),
        ),
        (f"{classification.data_year}年从业人员", f"{classification.employees} 人"),
        (f"{classification.data_year}年营业收入", f"{classification.revenue_wan} 万元"),
        (f"{classification.data_year}年资产总额", f"{classification.assets_wan} 万元"),
        ("划型结果", f"{classification.get_size_display()}企业"),
        ("划型依据", classification.standard.name),
        ("划型时间", clock.local(classification.classified_at).strftime("%Y-%m-%d %H:%M")),
        ("年度服务券额度", format_cny(account.cap) if account else "—"),
        ("系统订单编号", order_number or "（下单后按订单生成）"),
    ]


def pledge_pdf(*, classification: SizeClassification, order_number: str | None = None) -> bytes:
    """Render the pledge for one classification (and, when given, one order)."""
    org = classification.organisation
    auth = EnterpriseAuthentication.objects.filter(organisation=org).first()
    account = QuotaAccount.objects.filter(organisation=org, programme=classification.programme).first()
    pdf = FPDF(format="A4")
    pdf.set_title("中小微企业划型及用券承诺")
    pdf.set_author(org.name)
    pdf.set_creator("北京市中小企业服务券平台")
    pdf.add_font(FONT, "", str(font_path()))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font(FONT, size=18)
    pdf.cell(0, 12, "中小微企业划型及用券承诺", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=10)
    pdf.cell(0, 6, f"{classification.programme.title}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    rows = _pledge_rows(classification, auth, account, order_number)
    pdf.set_font(FONT, size=11)
    with pdf.table(
        col_widths=(34, 66), text_align="LEFT", first_row_as_headings=False, line_height=7
    ) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label)
            row.cell(value or " ")
    pdf.ln(6)
    pdf.set_font(FONT, size=13)
    pdf.cell(0, 9, "承诺事项", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=11)
    for paragraph in pledge_text(classification):
        pdf.multi_cell(0, 7, paragraph, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
    pdf.ln(6)
    pdf.cell(0, 8, "企业（盖章）：", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, 8, "法定代表人或授权代表（签字）：", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, 8, "日期：        年    月    日", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font(FONT, size=9)
    pdf.multi_cell(
        0,
        5,
        f"本文件由平台于 {clock.now():%Y-%m-%d %H:%M} 生成。请打印后加盖公章，扫描为 PDF 交服务商用于兑券。",
    )
    return bytes(pdf.output())

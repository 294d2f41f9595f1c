"""The application form as an Excel workbook (annex 2-1-1, SPEC P5/P6): template, import, differences.

The sheet has two columns, 项目 (row label) and 填写内容 (value); rows are found by their label, so
their order does not matter. A second sheet holds the price-proof transactions (成交日期, 成交金额).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from voucher.applications.choices import IP_SALES_FLAGS, MARKET_SHARE_UNAVAILABLE, NOT_APPLICABLE
from voucher.applications.models import Application
from voucher.applications.validation import form_problems, parse_form
from voucher.core.exports import inert_row, restore
from voucher.programmes.models import Direction

FORM_SHEET = "配券产品申请表"
PRICE_SHEET = "价格证明成交记录"
HEAD_LABEL, HEAD_VALUE = "项目", "填写内容"
PRICE_HEAD = ("成交日期", "成交金额（元）")
# An uploaded form is refused when any sheet is larger: the form has a few dozen rows and two columns, the
# price sheet one row per transaction.
MAX_ROWS = 500
MAX_COLUMNS = 10


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    hint: str = ""


def rows(year: int) -> list[Row]:
    """The form's rows for a programme year (the guide speaks of last year's figures)."""
    last = year - 1
    return [
        Row("direction", "＊服务产品所属类别", "9类仅选一项"),
        Row(
            "subtype",
            "数智转型系统子类",
            "仅“数智转型系统”填写：协同管理平台/人工智能辅助编程系统/数字化转型通用软件",
        ),
        Row(
            "product_line",
            "产品线",
            "“芯片测试和认证”填芯片测试或芯片认证；“能源管理体系建设咨询和认证”填咨询或认证",
        ),
        Row("software_type", "产品类型", "仅“数字化转型通用软件”填写，如ERP、MES、CAD"),
        Row("product_name", "＊服务产品名称", "公示后不可修改；只能填写一个产品名称"),
        Row("provider_name", "＊服务商名称", "需与营业执照一致"),
        Row("summary", "＊服务产品简介", "该产品功能、实现效果等内容表述"),
        Row("price", "＊日常销售/实际成交价格（元+单位）", "例：100000元/年"),
        Row("pricing_basis", "＊定价依据", ""),
        Row("client_count", f"＊{last}年度该产品在北京地区签约企业家数", "只填写数字，单位为“家”"),
        Row("revenue_wan", f"＊{last}年度该产品在北京地区营收（万元）", "只填写数字，单位为“万元”"),
        Row(
            "ip_sales",
            "＊具备知识产权或销售资质/售后情况",
            "知识产权、销售资质、销售体系、售后服务，至少一项，用顿号分隔",
        ),
        Row("cac_model_name", "＊大模型产品在网信办备案情况：模型名称", "非大模型相关产品填写“不涉及”"),
        Row("cac_filing_unit", "＊大模型产品在网信办备案情况：备案单位", "非大模型相关产品填写“不涉及”"),
        Row("cac_filing_number", "＊大模型产品在网信办备案情况：备案号", "非大模型相关产品填写“不涉及”"),
        Row("market_share", "该产品市场份额占比", "例：6% 或无法统计"),
        Row("ranking", "全国/北京行业排名", "例：属于全国细分行业TOP10或无法提供"),
        Row(
            "high_growth_count",
            "近两年服务北京市专精特新、小巨人、隐形冠军及上市高成长型创新企业总数量",
            "只填写数字，单位为“家”",
        ),
        Row("contact_name", "＊申报联系人", ""),
        Row("contact_mobile", "＊联系人手机号码", ""),
    ]


def _norm(label: Any) -> str:
    return "".join(str(label or "").split()).lstrip("＊*")


class ExcelProblems(Exception):
    """Cell-level problems of an uploaded workbook, each a Chinese sentence naming the cell."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = messages


def _amount_text(amount: Any) -> str:
    if amount is None:
        return ""
    return format(amount.normalize(), "f") if amount == amount.to_integral() else str(amount)


def form_cells(application: Application) -> dict[str, str]:
    """The form's current values as the Excel would show them (used by the template and the differences)."""
    a = application
    cac_empty = not any([a.cac_model_name, a.cac_filing_unit, a.cac_filing_number])
    return {
        "direction": a.direction.name if a.direction else "",
        "subtype": a.subtype.name if a.subtype else "",
        "product_line": a.product_line_name(),
        "software_type": a.software_type,
        "product_name": a.product_name,
        "provider_name": a.provider_name,
        "summary": a.summary,
        "price": a.price_display,
        "pricing_basis": a.pricing_basis,
        "client_count": "" if a.client_count is None else str(a.client_count),
        "revenue_wan": _amount_text(a.revenue_wan),
        "ip_sales": a.ip_sales_display,
        "cac_model_name": NOT_APPLICABLE if cac_empty and a.direction else a.cac_model_name,
        "cac_filing_unit": NOT_APPLICABLE if cac_empty and a.direction else a.cac_filing_unit,
        "cac_filing_number": NOT_APPLICABLE if cac_empty and a.direction else a.cac_filing_number,
        "market_share": a.market_share_display,
        "ranking": a.ranking,
        "high_growth_count": "" if a.high_growth_count is None else str(a.high_growth_count),
        "contact_name": a.contact_name,
        "contact_mobile": a.contact_mobile,
    }


def build_template(application: Application) -> bytes:
    """An editable .xlsx of the form, pre-filled with what is already entered."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = FORM_SHEET
    sheet.append([HEAD_LABEL, HEAD_VALUE, "填写说明"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    values = form_cells(application)
    for row in rows(application.programme.year):
        sheet.append(inert_row([row.label, values.get(row.key, ""), row.hint]))
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 60
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    names = list(
        Direction.objects.filter(programme=application.programme)
        .order_by("number")
        .values_list("name", flat=True)
    )
    choice = DataValidation(type="list", formula1='"' + ",".join(names) + '"', allow_blank=True)
    sheet.add_data_validation(choice)
    choice.add("B2")
    prices = workbook.create_sheet(PRICE_SHEET)
    prices.append(list(PRICE_HEAD))
    for item in application.price_transactions.all():
        prices.append(inert_row([item.transacted_on.isoformat(), str(item.amount)]))
    prices.column_dimensions["A"].width = 16
    prices.column_dimensions["B"].width = 20
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return restore(str(value).strip())


def _sheet_values(sheet: Any) -> list[tuple[Any, Any]]:
    """Columns A and B of a sheet, row by row (at most ``MAX_ROWS`` rows are ever read)."""
    values = []
    for row in sheet.iter_rows(max_row=MAX_ROWS, max_col=2, values_only=True):
        cells = (*row, None, None)
        values.append((cells[0], cells[1]))
    return values


def read_cells(
    data: bytes, *, year: int
) -> tuple[dict[str, str], dict[str, str], list[list[Any]], list[str]]:
    """The raw cell texts by row key, the cell address of each key, the price rows and the structure problems.

    The workbook is read in openpyxl's read-only (streaming) mode and only columns A and B of the first
    ``MAX_ROWS`` rows are looked at; an upload is refused beforehand when a sheet is larger than
    ``MAX_ROWS`` × ``MAX_COLUMNS`` (:func:`voucher.core.uploads.check_sheet_size`).
    """
    problems: list[str] = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError, zipfile.BadZipFile):
        raise ExcelProblems(
            ["文件不是有效的Excel（.xlsx）工作簿，请使用“下载Excel模板”获取的模板填写。"]
        ) from None
    try:
        if FORM_SHEET not in workbook.sheetnames:
            raise ExcelProblems([f"缺少工作表“{FORM_SHEET}”，请使用申报系统下载的模板。"])
        form = _sheet_values(workbook[FORM_SHEET])
        prices = _sheet_values(workbook[PRICE_SHEET]) if PRICE_SHEET in workbook.sheetnames else None
    finally:
        workbook.close()
    head = form[0] if form else (None, None)
    if _norm(head[0]) != HEAD_LABEL:
        problems.append(f"单元格A1：缺少列标题“{HEAD_LABEL}”。")
    if _norm(head[1]) != HEAD_VALUE:
        problems.append(f"单元格B1：缺少列标题“{HEAD_VALUE}”。")
    found: dict[str, int] = {}
    for index, (label, _value) in enumerate(form[1:], start=2):
        found.setdefault(_norm(label), index)
    cells: dict[str, str] = {}
    addresses: dict[str, str] = {}
    for row in rows(year):
        at = found.get(_norm(row.label))
        if at is None:
            problems.append(f"A列：缺少行标题“{row.label.lstrip('＊')}”。")
            continue
        addresses[row.key] = f"B{at}"
        cells[row.key] = _cell_text(form[at - 1][1])
    price_rows: list[list[Any]] = []
    if prices is not None:
        price_head = prices[0] if prices else (None, None)
        if (_norm(price_head[0]), _norm(price_head[1])) != tuple(_norm(h) for h in PRICE_HEAD):
            problems.append(f"工作表“{PRICE_SHEET}”第1行须为列标题“{PRICE_HEAD[0]}”“{PRICE_HEAD[1]}”。")
        else:
            for index, (day, amount) in enumerate(prices[1:], start=2):
                if day in (None, "") and amount in (None, ""):
                    continue
                price_rows.append([index, day, amount])
    if problems:
        raise ExcelProblems(problems)
    return cells, addresses, price_rows, problems


def cells_to_raw(cells: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Form input from cell texts; also the problems that belong to the combined cells (price, ip_sales)."""
    raw: dict[str, Any] = {k: v for k, v in cells.items() if k not in {"price", "ip_sales"}}
    problems: dict[str, str] = {}
    price = cells.get("price", "").replace("，", ",").replace(" ", "")
    if price:
        amount, _, unit = price.partition("元")
        unit = unit.lstrip("/／每")
        raw["price_amount"], raw["price_unit"] = amount, unit
        if not unit:
            problems["price"] = "价格须写成“金额元/单位”，如“100000元/年”。"
    else:
        raw["price_amount"], raw["price_unit"] = "", ""
    words = {
        w
        for w in cells.get("ip_sales", "")
        .replace(",", "、")
        .replace("，", "、")
        .replace(" ", "、")
        .split("、")
        if w
    }
    labels = {label: name for name, label in IP_SALES_FLAGS.items()}
    unknown = words - set(labels)
    if unknown:
        problems["ip_sales"] = (
            f"无法识别“{'、'.join(sorted(unknown))}”；只能填写知识产权、销售资质、销售体系、售后服务。"
        )
    for label, name in labels.items():
        raw[name] = label in words
    for name in ("cac_model_name", "cac_filing_unit", "cac_filing_number"):
        if raw.get(name) == NOT_APPLICABLE:
            raw[name] = ""
    if raw.get("market_share") == MARKET_SHARE_UNAVAILABLE:
        raw["market_share"] = MARKET_SHARE_UNAVAILABLE
    return raw, problems


FIELD_ROW = {
    "price_amount": "price",
    "price_unit": "price",
    "has_ip": "ip_sales",
    "ip_sales": "ip_sales",
    "market_share_percent": "market_share",
}


def read_form(data: bytes, *, application: Application) -> dict[str, Any]:
    """Form input from a filled workbook, fully checked; raise :class:`ExcelProblems` with cell addresses."""
    programme = application.programme
    cells, addresses, price_rows, _ = read_cells(data, year=programme.year)
    raw, combined = cells_to_raw(cells)
    raw["price_transactions"] = [{"transacted_on": day, "amount": amount} for _, day, amount in price_rows]
    values, errors = parse_form(raw, programme=programme)
    trial = copy.copy(application)
    for name, value in values.items():
        if name != "price_transactions":
            setattr(trial, name, value)
    if trial.subtype is not None and trial.subtype.direction_id != trial.direction_id:
        trial.subtype = None
    problems = form_problems(trial, organisation=application.organisation, programme=programme)
    for field, message in combined.items():
        problems[field] = [message]
    problems.update(errors)
    messages: list[str] = []
    labels = {row.key: row.label.lstrip("＊") for row in rows(programme.year)}
    for field, field_messages in problems.items():
        key = FIELD_ROW.get(field, field)
        if key == "price_transactions":
            where = f"工作表“{PRICE_SHEET}”"
        else:
            where = f"单元格{addresses.get(key, '?')}（{labels.get(key, key)}）"
        messages.extend(f"{where}：{m}" for m in field_messages)
    if messages:
        raise ExcelProblems(messages)
    return raw


def differences(application: Application, data: bytes) -> list[dict[str, Any]]:
    """Row by row, the form's value and the uploaded Excel's value, marking where they differ (P5)."""
    cells, _, _, _ = read_cells(data, year=application.programme.year)
    form = form_cells(application)
    result = []
    for row in rows(application.programme.year):
        excel_value = cells.get(row.key, "")
        form_value = form.get(row.key, "")
        same = _norm(excel_value).replace("％", "%") == _norm(form_value)
        result.append(
            {
                "key": row.key,
                "label": row.label.lstrip("＊"),
                "form": form_value,
                "excel": excel_value,
                "differs": not same,
            }
        )
    return result

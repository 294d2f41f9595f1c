"""Parsing and checking the application form (annex 2-1-1, SPEC P2, P3).

:func:`parse_form` turns raw input (page form, API body or Excel cells) into typed values and
reports values that cannot be stored at all. :func:`form_problems` is the full check of 保存 and
提交: every problem, each at its field, at once. Both read the limits from the programme year.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from voucher.accounts.models import Organisation
from voucher.applications.choices import (
    IP_SALES_FLAGS,
    MARKET_SHARE_UNAVAILABLE,
    NOT_APPLICABLE,
    ApplicationStatus,
)
from voucher.applications.models import Application
from voucher.applications.rules import (
    SoftwareCategories,
    exclusive_lines,
    product_lines,
    requires_cac_filing,
    software_categories,
)
from voucher.core.money import MoneyError, to_money
from voucher.core.text import clean_text, identifier_key
from voucher.core.validators import validate_mainland_mobile
from voucher.programmes.models import Direction, DirectionSubtype, ProgrammeYear

Errors = dict[str, list[str]]

TEXT_FIELDS = {
    "product_line": 40,
    "software_type": 60,
    "software_type_note": 200,
    "product_name": 200,
    "provider_name": 200,
    "summary": 5000,
    "price_unit": 20,
    "pricing_basis": 5000,
    "cac_model_name": 200,
    "cac_filing_unit": 200,
    "cac_filing_number": 100,
    "ranking": 200,
    "contact_name": 60,
    "contact_mobile": 20,
}
FORM_FIELDS = [
    "direction",
    "subtype",
    "product_line",
    "software_type",
    "software_type_note",
    "product_name",
    "provider_name",
    "summary",
    "price_amount",
    "price_unit",
    "pricing_basis",
    "client_count",
    "revenue_wan",
    *IP_SALES_FLAGS,
    "cac_model_name",
    "cac_filing_unit",
    "cac_filing_number",
    "market_share",
    "ranking",
    "high_growth_count",
    "contact_name",
    "contact_mobile",
    "price_transactions",
]
LABELS = {
    "direction": "服务产品所属类别",
    "subtype": "数智转型系统子类",
    "product_line": "产品线",
    "software_type": "软件类别",
    "software_type_note": "软件类别说明",
    "product_name": "服务产品名称",
    "provider_name": "服务商名称",
    "summary": "服务产品简介",
    "price_amount": "日常销售/实际成交价格",
    "price_unit": "价格单位",
    "pricing_basis": "定价依据",
    "client_count": "签约企业家数",
    "revenue_wan": "北京地区营收（万元）",
    "ip_sales": "具备知识产权或销售资质/售后情况",
    "cac_model_name": "网信办备案模型名称",
    "cac_filing_unit": "网信办备案单位",
    "cac_filing_number": "网信办备案号",
    "market_share": "市场份额占比",
    "ranking": "全国/北京行业排名",
    "high_growth_count": "高成长型企业数量",
    "contact_name": "申报联系人",
    "contact_mobile": "联系人手机号码",
    "price_transactions": "价格证明成交记录",
}
TRUE_WORDS = {"1", "true", "on", "yes", "y", "是", "√", "✓", "有"}
_LINE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*[,，\s]\s*([\d,，.]+)\s*元?\s*$")


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value), multiline=True).strip()


def product_name_taken(application: Application) -> bool:
    """The provider already has an application of that year with the same product name, compared by
    :func:`identifier_key` (case, full-width forms and invisible characters do not make a new name)."""
    key = identifier_key(application.product_name)
    if not key:
        return False
    names = (
        Application.objects.filter(
            organisation_id=application.organisation_id, programme_id=application.programme_id
        )
        .exclude(pk=application.pk)
        .values_list("product_name", flat=True)
    )
    return any(identifier_key(name) == key for name in names)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return _text(value).lower() in TRUE_WORDS


def _resolve_direction(programme: ProgrammeYear, value: Any) -> Direction | None:
    text = _text(value)
    if not text:
        return None
    directions = Direction.objects.filter(programme=programme).prefetch_related("requirements", "subtypes")
    for direction in directions:
        if text in {str(direction.number), direction.code, direction.name}:
            return direction
    raise ValueError


def _resolve_subtype(direction: Direction | None, value: Any) -> DirectionSubtype | None:
    text = _text(value)
    if not text or direction is None:
        return None
    for subtype in direction.subtypes.all():
        if text in {subtype.code, subtype.name}:
            return subtype
    raise ValueError


def _integer(value: Any) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        raise ValueError
    return int(text)


def _decimal(value: Any, places: int = 2) -> Decimal | None:
    text = _text(value).replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite() or number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValueError
    return number


def parse_price_lines(value: Any) -> list[tuple[dt.date, Decimal]]:
    """Transactions as ``[(date, amount)]`` from a list of dicts (API/Excel) or lines "YYYY-MM-DD 金额"."""
    items: list[tuple[dt.date, Decimal]] = []
    if value in (None, ""):
        return items
    if isinstance(value, str):
        for number, line in enumerate(value.splitlines(), start=1):
            if not line.strip():
                continue
            match = _LINE.match(line)
            if not match:
                raise ValueError(f"第{number}行格式应为“成交日期 金额”，如“2025-03-01 100000”。")
            items.append((_date(match.group(1), number), _money(match.group(2), number)))
        return items
    for number, item in enumerate(value, start=1):
        if isinstance(item, Mapping):
            day, amount = item.get("transacted_on"), item.get("amount")
        else:
            day, amount = item
        items.append((_date(day, number), _money(amount, number)))
    return items


def _date(value: Any, number: int) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat("-".join(p.zfill(2) for p in _text(value).split("-")))
    except ValueError:
        raise ValueError(f"第{number}条成交日期“{value}”无效。") from None


def _money(value: Any, number: int) -> Decimal:
    try:
        amount = to_money(_text(value).replace("，", ","))
    except MoneyError as exc:
        raise ValueError(f"第{number}条成交金额：{exc}") from None
    if amount <= 0:
        raise ValueError(f"第{number}条成交金额必须大于0。")
    return amount


def _parse_price_amount(value: Any, values: dict[str, Any], errors: Errors) -> None:
    """The price in yuan (empty: none)."""
    text = _text(value).replace("，", ",")
    if not text:
        values["price_amount"] = None
    else:
        try:
            values["price_amount"] = to_money(text)
        except MoneyError as exc:
            _add(errors, "price_amount", f"价格：{exc}")


def _parse_market_share(value: Any, values: dict[str, Any], errors: Errors) -> None:
    """A percentage from 0 to 100, or “无法统计” (empty: none)."""
    text = _text(value).replace("％", "%")
    if not text:
        values["market_share_percent"], values["market_share_unavailable"] = None, False
    elif text == MARKET_SHARE_UNAVAILABLE:
        values["market_share_percent"], values["market_share_unavailable"] = None, True
    else:
        try:
            percent = _decimal(text.removesuffix("%"))
        except ValueError:
            percent = None
        if percent is None or not (0 <= percent <= 100):
            _add(errors, "market_share", "市场份额填写0–100之间的百分比（如“6%”）或“无法统计”。")
        else:
            values["market_share_percent"], values["market_share_unavailable"] = percent, False


def parse_form(raw: Mapping[str, Any], *, programme: ProgrammeYear) -> tuple[dict[str, Any], Errors]:
    """Typed values for the fields present in ``raw`` and the values that cannot be stored.

    Only keys present in ``raw`` are returned, so a partial update leaves the other fields alone.
    """
    values: dict[str, Any] = {}
    errors: Errors = {}
    present = [f for f in FORM_FIELDS if f in raw]
    if "direction" in raw:
        try:
            values["direction"] = _resolve_direction(programme, raw["direction"])
        except ValueError:
            _add(errors, "direction", "服务产品所属类别无效，请从9类中选择一项。")
    if "subtype" in raw:
        direction = values.get("direction")
        try:
            values["subtype"] = _resolve_subtype(direction, raw["subtype"])
        except ValueError:
            _add(errors, "subtype", "子类无效，请从所选类别的子类中选择。")
    for name in present:
        value = raw[name]
        if name in TEXT_FIELDS:
            text = _text(value)
            if len(text) > TEXT_FIELDS[name]:
                _add(errors, name, f"{LABELS[name]}过长（最多{TEXT_FIELDS[name]}字）。")
            else:
                values[name] = text
        elif name in IP_SALES_FLAGS:
            values[name] = _bool(value)
        elif name == "price_amount":
            _parse_price_amount(value, values, errors)
        elif name in {"client_count", "high_growth_count"}:
            try:
                values[name] = _integer(value)
            except ValueError:
                _add(errors, name, f"{LABELS[name]}只填写整数数字，单位为“家”。")
        elif name == "revenue_wan":
            try:
                values[name] = _decimal(value)
            except ValueError:
                _add(errors, name, "营收只填写数字（最多两位小数），单位为“万元”。")
        elif name == "market_share":
            _parse_market_share(value, values, errors)
        elif name == "price_transactions":
            try:
                values[name] = parse_price_lines(value)
            except ValueError as exc:
                _add(errors, name, str(exc))
    if "cac_model_name" in values:
        for name in ("cac_model_name", "cac_filing_unit", "cac_filing_number"):
            if values.get(name) == NOT_APPLICABLE:
                values[name] = ""
    return values, errors


def _software_category_problems(errors: Errors, cats: SoftwareCategories | None, a: Application) -> None:
    """K2b: the category is one of the year's list; an excluded tool type is refused with the guide's reason."""
    if cats is None:
        return
    code = cats.code_of(a.software_type)
    if not code:
        _add(errors, "software_type", "请从列表中选择产品的软件类别（如ERP、MES、CAD等）。")
    elif code in cats.excluded:
        _add(errors, "software_type", f"“{cats.excluded[code]}”不在支持范围：{cats.reason}")
    elif code not in cats.allowed:
        _add(errors, "software_type", "请从列表中选择产品的软件类别；列表外的类别请选“其他”并填写说明。")
    elif code == cats.other and not a.software_type_note:
        _add(errors, "software_type_note", "选择“其他”时请填写产品的软件类别说明。")


def _direction_problems(
    errors: Errors,
    a: Application,
    direction: Direction,
    *,
    organisation: Organisation,
    programme: ProgrammeYear,
) -> None:
    """The sub-type, product line and software category the direction asks for, and no exclusive product line
    applied for beside another."""
    subtypes = list(direction.subtypes.all())
    if subtypes and a.subtype is None:
        _add(errors, "subtype", f"“{direction.name}”须选择子类：{'、'.join(s.name for s in subtypes)}。")
    lines = product_lines(direction)
    if lines and a.product_line not in dict(lines):
        _add(errors, "product_line", f"请选择产品线：{'、'.join(n for _, n in lines)}。")
    _software_category_problems(errors, software_categories(direction, a.subtype), a)
    exclusive = exclusive_lines(direction)
    if a.product_line and a.product_line in exclusive:
        clash = (
            Application.objects.filter(organisation=organisation, programme=programme, direction=direction)
            .exclude(pk=a.pk)
            .exclude(status=ApplicationStatus.REJECTED)
            .exclude(product_line="")
            .exclude(product_line=a.product_line)
            .filter(product_line__in=exclusive)
            .first()
        )
        if clash is not None:
            names = dict(product_lines(direction))
            _add(
                errors,
                "product_line",
                f"同一个服务商不得同时申请{'和'.join(names.get(c, c) for c in exclusive)}产品："
                f"本单位已申报“{clash.product_name or clash.folder_name}”（{names.get(clash.product_line, '')}）。",
            )


def _price_and_figures_problems(errors: Errors, a: Application, programme: ProgrammeYear) -> None:
    """The price, its unit and basis, and last year's client count and revenue."""
    if a.price_amount is None:
        _add(errors, "price_amount", "请填写日常销售/实际成交价格（元）。")
    elif a.price_amount <= 0:
        _add(errors, "price_amount", "价格必须大于0。")
    if not a.price_unit:
        _add(errors, "price_unit", "请填写价格单位，如“年”“套”“次”。")
    if not a.pricing_basis:
        _add(errors, "pricing_basis", "请填写定价依据。")
    elif len(a.pricing_basis) > programme.pricing_basis_max_chars:
        _add(
            errors,
            "pricing_basis",
            f"定价依据不超过{programme.pricing_basis_max_chars}字（当前{len(a.pricing_basis)}字）。",
        )
    if a.client_count is None:
        _add(errors, "client_count", "请填写上年度北京地区签约企业家数（只填数字）。")
    if a.revenue_wan is None:
        _add(errors, "revenue_wan", "请填写上年度该产品北京地区营收（万元，只填数字）。")
    elif a.revenue_wan < 0:
        _add(errors, "revenue_wan", "营收不能为负数。")


def form_problems(
    application: Application, *, organisation: Organisation, programme: ProgrammeYear
) -> Errors:
    """Every problem of the (already filled) form, each at its field (保存 and 提交, SPEC P2/P3)."""
    a = application
    errors: Errors = {}
    direction = a.direction
    if direction is None:
        _add(errors, "direction", "请选择服务产品所属类别（9类仅选一项）。")
    else:
        _direction_problems(errors, a, direction, organisation=organisation, programme=programme)
    if not a.product_name:
        _add(errors, "product_name", "请填写服务产品名称。")
    elif "+" in a.product_name or "＋" in a.product_name:
        _add(errors, "product_name", "只能填写一个产品名称；组合产品须拆分为多张申请表。")
    elif product_name_taken(a):
        _add(errors, "product_name", f"本单位本年度已有名为“{a.product_name}”的申报产品，产品名称不能重复。")
    if not a.provider_name:
        _add(errors, "provider_name", "请填写服务商名称。")
    elif identifier_key(a.provider_name) != identifier_key(organisation.name):
        _add(errors, "provider_name", f"服务商名称须与营业执照一致：“{organisation.name}”。")
    if not a.summary:
        _add(errors, "summary", "请填写服务产品简介。")
    elif len(a.summary) > programme.product_summary_max_chars:
        _add(
            errors,
            "summary",
            f"服务产品简介不超过{programme.product_summary_max_chars}字（当前{len(a.summary)}字）。",
        )
    _price_and_figures_problems(errors, a, programme)
    if not any(getattr(a, flag) for flag in IP_SALES_FLAGS):
        _add(errors, "ip_sales", "知识产权、销售资质、销售体系、售后服务至少选择一项。")
    if requires_cac_filing(direction):
        for name in ("cac_model_name", "cac_filing_unit", "cac_filing_number"):
            if not getattr(a, name):
                _add(errors, name, f"大模型应用产品须填写{LABELS[name]}。")
    elif any(getattr(a, n) for n in ("cac_model_name", "cac_filing_unit", "cac_filing_number")):
        _add(errors, "cac_model_name", "非大模型相关产品的网信办备案情况填写“不涉及”，请清空备案信息。")
    if not a.contact_name:
        _add(errors, "contact_name", "请填写申报联系人。")
    if not a.contact_mobile:
        _add(errors, "contact_mobile", "请填写联系人手机号码。")
    else:
        try:
            validate_mainland_mobile(a.contact_mobile)
        except ValidationError as exc:
            _add(errors, "contact_mobile", exc.messages[0])
    return errors

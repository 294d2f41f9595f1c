"""Reading a credit list from CSV or Excel (.xlsx) with row-level Chinese errors.

An upload is checked at once (:func:`credit_list_upload_check`: its type, size and sheet size); reading
its rows is a background job that reports its progress (:func:`parse_credit_list` with ``progress``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from voucher.core.uploads import check_sheet_size, display_file_name
from voucher.enterprises import uscc as uscc_rules
from voucher.enterprises.choices import CreditListKind

COLUMNS = {
    "统一社会信用代码": "uscc",
    "单位名称": "name",
    "类型": "kind",
    "认定日期": "recorded_on",
    "来源": "source",
    "说明": "note",
}
REQUIRED = ["uscc", "name", "kind", "recorded_on"]
KIND_ALIASES = {
    "严重失信": CreditListKind.SERIOUS_NEGATIVE,
    "严重负面": CreditListKind.SERIOUS_NEGATIVE,
    "严重失信（严重负面）记录": CreditListKind.SERIOUS_NEGATIVE,
    "serious_negative": CreditListKind.SERIOUS_NEGATIVE,
    "失信被执行人": CreditListKind.DISHONEST_DEBTOR,
    "dishonest_debtor": CreditListKind.DISHONEST_DEBTOR,
}
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
PROGRESS_EVERY = 200  # rows between two progress reports


@dataclass(frozen=True)
class ParsedRow:
    line: int
    uscc: str
    name: str
    kind: str
    recorded_on: dt.date
    source: str
    note: str

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["recorded_on"] = self.recorded_on.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParsedRow:
        return cls(**{**data, "recorded_on": dt.date.fromisoformat(data["recorded_on"])})

    def as_kwargs(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("line")
        return data


def _table(file_name: str, content: bytes) -> list[list[Any]]:
    lower = file_name.lower()
    if lower.endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:
            raise ValueError("无法读取 Excel 文件，请上传 .xlsx 格式。") from exc
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    if lower.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
            except UnicodeDecodeError:
                continue
            return [list(row) for row in csv.reader(io.StringIO(text))]
        raise ValueError("无法识别 CSV 文件的编码，请使用 UTF-8 或 GBK 编码。")
    raise ValueError("仅支持 .csv 或 .xlsx 文件。")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))


def credit_list_upload_check(file: Any) -> str:
    """Refuse, at the ``file`` field, an upload that is not a .csv or .xlsx within the size limit, or a
    workbook whose sheets are too large (a zip bomb); returns the file name to show."""
    name = display_file_name(str(getattr(file, "name", "") or ""), limit=200) or "信用名单"
    if not name.lower().endswith((".csv", ".xlsx")):
        raise ValidationError(
            {"file": ValidationError("仅支持 .csv 或 .xlsx 文件。", code="credit_list_type")}
        )
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError({"file": ValidationError("文件不能超过 5 MB。", code="credit_list_too_large")})
    if name.lower().endswith(".xlsx"):
        file.seek(0)
        check_sheet_size(file.read(), name=name, field="file")
        file.seek(0)
    return name


def _parse_row(line: int, cell: dict[str, Any], seen: dict[tuple[str, str], int]) -> ParsedRow | str:
    """One data row, or its problems as one message; a valid row is remembered in ``seen`` by code and kind."""
    problems = []
    code = ""
    try:
        code = uscc_rules.validate_format(str(cell.get("uscc") or ""))
    except uscc_rules.UsccRefused as exc:
        problems.append(exc.reason)
    name = str(cell.get("name") or "").strip()
    if not name:
        problems.append("单位名称不能为空。")
    kind = KIND_ALIASES.get(str(cell.get("kind") or "").strip())
    if kind is None:
        problems.append("类型应为“严重失信”或“失信被执行人”。")
    recorded_on = None
    try:
        recorded_on = _date(cell.get("recorded_on"))
    except (ValueError, TypeError):
        problems.append("认定日期格式不正确，应为 YYYY-MM-DD。")
    if code and kind and (code, kind) in seen:
        problems.append(f"与第 {seen[(code, kind)]} 行重复。")
    if problems:
        return "".join(problems)
    assert kind is not None and recorded_on is not None
    seen[(code, kind)] = line
    return ParsedRow(
        line=line,
        uscc=code,
        name=name,
        kind=kind.value,
        recorded_on=recorded_on,
        source=str(cell.get("source") or "").strip()[:200],
        note=str(cell.get("note") or "").strip()[:300],
    )


def parse_credit_list(
    file_name: str, content: bytes, *, progress: Callable[[int, int], None] | None = None
) -> tuple[list[ParsedRow], list[dict[str, Any]]]:
    """Valid rows and errors (``{"line": n, "message": …}``, line numbers as in a spreadsheet);
    ``progress(done, total)`` is called every :data:`PROGRESS_EVERY` rows."""
    try:
        table = _table(file_name, content)
    except ValueError as exc:
        return [], [{"line": 0, "message": str(exc)}]
    if not table:
        return [], [{"line": 0, "message": "文件为空。"}]
    header = [str(h or "").strip() for h in table[0]]
    missing = [label for label, key in COLUMNS.items() if key in REQUIRED and label not in header]
    if missing:
        return [], [
            {"line": 1, "message": f"表头缺少列：{'、'.join(missing)}。表头应为：{'、'.join(COLUMNS)}。"}
        ]
    index = {COLUMNS[h]: i for i, h in enumerate(header) if h in COLUMNS}
    rows: list[ParsedRow] = []
    errors: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    body = table[1 : MAX_ROWS + 1]
    for line, raw in enumerate(body, start=2):
        if progress is not None and (line - 2) % PROGRESS_EVERY == 0:
            progress(line - 2, len(body))
        cell = {key: raw[i] if i < len(raw) else None for key, i in index.items()}
        if all(v in (None, "") for v in cell.values()):
            continue
        parsed = _parse_row(line, cell, seen)
        if isinstance(parsed, str):
            errors.append({"line": line, "message": f"第 {line} 行：" + parsed})
            continue
        rows.append(parsed)
    if len(table) > MAX_ROWS + 1:
        errors.append({"line": MAX_ROWS + 2, "message": f"每次最多导入 {MAX_ROWS} 行，其余行未读取。"})
    return rows, errors

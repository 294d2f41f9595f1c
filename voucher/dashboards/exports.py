"""One dashboard table as a file (Excel or CSV), audited; run by a background job (see voucher.tasks)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError

from voucher.core.audit import audit_record
from voucher.core.exports import inert, inert_row
from voucher.dashboards import tables
from voucher.dashboards.forms import FilterForm
from voucher.dashboards.permissions import can_view_dashboard
from voucher.dashboards.selectors import Filters

FORMATS = {"xlsx": "Excel", "csv": "CSV"}
QUERY_KEYS = ("year", "field", "direction", "period", "sort")


@dataclass(frozen=True)
class ExportRequest:
    """What to export: a table of :data:`tables.TABLES`, the page's filters and the file format."""

    table: str
    query: dict[str, str]
    fmt: str = "xlsx"

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "query": self.query, "format": self.fmt}


@dataclass(frozen=True)
class ExportedTable:
    title: str
    filename: str
    content: bytes


def export_request(data: Any) -> ExportRequest:
    """The export asked for by a query string or a JSON body; a Chinese error per wrong part."""
    table = str(data.get("table") or "")
    if table not in tables.TABLES:
        raise ValidationError({"table": ValidationError("没有这张表格。", code="unknown_table")})
    fmt = str(data.get("format") or "xlsx")
    if fmt not in FORMATS:
        raise ValidationError({"format": ValidationError("导出格式只能是 Excel 或 CSV。", code="bad_format")})
    query = {k: str(data[k]) for k in QUERY_KEYS if data.get(k) not in (None, "")}
    form = FilterForm(query)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())  # type: ignore[arg-type]
    return ExportRequest(table=table, query=query, fmt=fmt)


def export_filters(request: ExportRequest) -> tuple[FilterForm, Filters]:
    form = FilterForm(request.query)
    filters = form.filters()
    if filters is None:
        raise ValidationError("还没有任何年度的数据。", code="no_programme")
    return form, filters


def csv_bytes(table: tables.Table, filters: Filters) -> bytes:
    """``table`` as CSV (UTF-8 with BOM, so Excel shows the Chinese): the header, the rows, the totals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(inert_row(c.label for c in table.columns))
    for row in table.rows + ([table.footer] if table.footer else []):
        writer.writerow(inert_row(row))
    if table.note:
        writer.writerow([inert(table.note)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def dashboard_export(*, actor: Any, request: ExportRequest, via: str = "") -> ExportedTable:
    """Build the table for the filters, as Excel or CSV, and record the export in the audit log."""
    can_view_dashboard(actor).enforce()
    form, filters = export_filters(request)
    table = tables.build_table(request.table, filters, sort=form.cleaned_data.get("sort") or "approved")
    content = csv_bytes(table, filters) if request.fmt == "csv" else tables.workbook(table, filters)
    audit_record(
        actor=actor,
        action="dashboard.exported",
        obj=filters.programme,
        note=f"{table.title}（{via or urlencode(filters.as_query())}）",
    )
    filename = f"dashboard-{filters.programme.year}-{request.table}.{request.fmt}"
    return ExportedTable(title=table.title, filename=filename, content=content)

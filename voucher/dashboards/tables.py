"""The dashboard's tables, described once and used by the page, the Excel export and the tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from voucher.core import clock
from voucher.core.exports import inert, inert_row
from voucher.dashboards import selectors
from voucher.dashboards.selectors import BUCKET_LABELS, BUCKETS, Budget, BudgetRow, Filters

MONEY_FORMAT = "#,##0.00"


@dataclass
class Column:
    """A column: its heading and how its cells are formatted (text, money, count, score)."""

    label: str
    kind: str = "text"  # text | money | int | score


@dataclass
class Table:
    """A titled table with an optional total row."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    footer: list[Any] | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def _display(self, row: list[Any]) -> list[tuple[str, bool]]:
        return [(display(v, c.kind), c.kind != "text") for v, c in zip(row, self.columns, strict=True)]

    @property
    def display_rows(self) -> list[list[tuple[str, bool]]]:
        """Cells as (text, is_number) for the page."""
        return [self._display(row) for row in self.rows]

    @property
    def display_footer(self) -> list[tuple[str, bool]] | None:
        return self._display(self.footer) if self.footer else None


def display(value: Any, kind: str) -> str:
    """A cell as the page shows it: money with thousands separators and fen, counts grouped, scores 0.00."""
    if value is None or value == "":
        return "—" if kind != "text" else ""
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if kind == "score":
        return f"{Decimal(value):.2f}"
    if kind == "int":
        return f"{value:,}"
    return str(value)


TABLES = {
    "budget_field": "预算执行（按领域）",
    "budget_direction": "预算执行（按方向）",
    "budget_district": "预算执行（按企业登记区）",
    "budget_series": "预算执行（时间序列）",
    "vouchers": "各产品服务券余量",
    "claims_status": "兑券申请（按状态）",
    "claims_age": "待处理兑券申请（按提交天数）",
    "providers": "服务商排名",
}

BUCKET_COLUMNS = [Column(BUCKET_LABELS[b] + "（元）", "money") for b in BUCKETS]


def _bucket_rows(rows: list[BudgetRow], *, group: bool = False) -> list[list[Any]]:
    return [([r.group] if group else []) + [r.label, *r.values()] for r in rows]


def budget_tables(figures: Budget) -> dict[str, Table]:
    totals = figures.totals.values()
    return {
        "budget_field": Table(
            "budget_field",
            TABLES["budget_field"],
            [Column("领域"), *BUCKET_COLUMNS],
            _bucket_rows(figures.by_field),
            ["合计", *totals],
        ),
        "budget_direction": Table(
            "budget_direction",
            TABLES["budget_direction"],
            [Column("领域"), Column("方向"), *BUCKET_COLUMNS],
            _bucket_rows(figures.by_direction, group=True),
            ["", "合计", *totals],
        ),
        "budget_district": Table(
            "budget_district",
            TABLES["budget_district"],
            [Column("企业登记区"), *BUCKET_COLUMNS],
            _bucket_rows(figures.by_district),
            ["合计", *totals],
            note="按企业统一社会信用代码中的登记管理机关行政区划码归属。",
        ),
        "budget_series": Table(
            "budget_series",
            TABLES["budget_series"],
            [Column("期末"), *BUCKET_COLUMNS],
            _bucket_rows(figures.series),
            note="各期期末余额；审核通过金额为截至期末的累计。",
        ),
    }


def vouchers_table(rows: list[selectors.ProductVouchers]) -> Table:
    return Table(
        "vouchers",
        TABLES["vouchers"],
        [
            Column("产品"),
            Column("服务商"),
            Column("方向"),
            Column("状态"),
            Column("发放数量", "int"),
            Column("已下单", "int"),
            Column("剩余", "int"),
        ],
        [[r.name, r.provider, r.direction, r.status, r.total, r.ordered, r.left] for r in rows],
        [
            "合计",
            "",
            "",
            "",
            sum(r.total for r in rows),
            sum(r.ordered for r in rows),
            sum(r.left for r in rows),
        ],
        note="已下单为待接单和已接单订单占用的服务券。",
    )


def claims_status_table(rows: list[selectors.StatusRow]) -> Table:
    return Table(
        "claims_status",
        TABLES["claims_status"],
        [
            Column("状态"),
            Column("笔数", "int"),
            Column("合同抵用额度（元）", "money"),
            Column("核定兑付（元）", "money"),
        ],
        [[r.label, r.count, r.deduction, r.approved] for r in rows],
        [
            "合计",
            sum(r.count for r in rows),
            sum((r.deduction for r in rows), Decimal("0.00")),
            sum((r.approved for r in rows), Decimal("0.00")),
        ],
    )


def claims_age_table(rows: list[selectors.AgeRow]) -> Table:
    return Table(
        "claims_age",
        TABLES["claims_age"],
        [Column("提交至今"), Column("待审核", "int"), Column("退回补充材料", "int"), Column("合计", "int")],
        [[r.label, r.submitted, r.returned, r.count] for r in rows],
        [
            "合计",
            sum(r.submitted for r in rows),
            sum(r.returned for r in rows),
            sum(r.count for r in rows),
        ],
        note="按北京时间自然日计算自提交之日起的天数。",
    )


def providers_table(rows: list[selectors.ProviderRow]) -> Table:
    return Table(
        "providers",
        TABLES["providers"],
        [
            Column("名次", "int"),
            Column("服务商"),
            Column("产品数", "int"),
            Column("订单数", "int"),
            Column("合同数", "int"),
            Column("合同金额（元）", "money"),
            Column("核定兑付（元）", "money"),
            Column("评价数", "int"),
            Column("平均评分", "score"),
        ],
        [
            [
                r.rank,
                r.name,
                r.products,
                r.orders,
                r.contracts,
                r.contract_amount,
                r.approved,
                r.ratings,
                r.rating,
            ]
            for r in rows
        ],
        note="订单数为待接单和已接单订单；评分为各产品评分按评价数加权的平均值。",
    )


def build_table(key: str, filters: Filters, *, sort: str = "approved") -> Table:
    """The one table ``key`` (a key of :data:`TABLES`) for ``filters``."""
    builders: dict[str, Callable[[], Table]] = {
        "vouchers": lambda: vouchers_table(selectors.vouchers_by_product(filters)),
        "claims_status": lambda: claims_status_table(selectors.claims_by_status(filters)),
        "claims_age": lambda: claims_age_table(selectors.claims_by_age(filters)),
        "providers": lambda: providers_table(selectors.provider_ranking(filters, sort)),
    }
    if key in builders:
        return builders[key]()
    return budget_tables(selectors.budget(filters))[key]


def _describe(filters: Filters) -> str:
    parts = [f"{filters.programme.year} 年度"]
    if filters.field is not None:
        parts.append(f"领域：{filters.field.name}")
    if filters.direction is not None:
        parts.append(f"方向：{filters.direction.number}. {filters.direction.name}")
    return "；".join(parts)


def workbook(table: Table, filters: Filters) -> bytes:
    """``table`` as an .xlsx file: title, filters and time in two lines, then the header and the rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.title[:31]
    sheet.append([inert(table.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([inert(f"{_describe(filters)}；导出时间 {clock.now():%Y-%m-%d %H:%M}（北京时间）")])
    sheet.append(inert_row(c.label for c in table.columns))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    body = table.rows + ([table.footer] if table.footer else [])
    for row in body:
        sheet.append(inert_row(row))
    for index, column in enumerate(table.columns, start=1):
        letter = sheet.cell(row=3, column=index).column_letter
        sheet.column_dimensions[letter].width = 14 if column.kind != "text" else 24
        if column.kind in ("money", "score"):
            for (cell,) in sheet.iter_rows(min_row=4, min_col=index, max_col=index):
                cell.number_format = MONEY_FORMAT if column.kind == "money" else "0.00"
    if table.footer:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    if table.note:
        sheet.append([])
        sheet.append([inert(table.note)])
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

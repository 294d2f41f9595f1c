"""The payment file (支付文件) of a batch: one Excel row per item, written as it is read.

openpyxl's write-only workbook keeps no rows in memory and the items are read from the database in
chunks without model instances, so memory stays flat whatever the size of the batch (measured by
``bench/payout_export.py``). The last row holds the totals, which must equal the batch's total.

The bank details are the copy each item took when the batch was published (SPEC R7), never the
provider's account as it is now; every text cell goes through :func:`voucher.core.exports.inert`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from voucher.core.exports import inert, inert_row
from voucher.payouts.choices import LIVE_ITEM_STATUSES
from voucher.payouts.models import PayoutBatch, PayoutItem

HEADERS = [
    "序号",
    "收款单位（服务商）",
    "统一社会信用代码",
    "开户银行",
    "开户网点",
    "账户名称",
    "银行账号",
    "兑付金额（元）",
    "系统订单编号",
    "合同编号",
    "企业名称",
    "产品名称",
]
COLUMNS = (
    "provider__name",
    "provider__uscc",
    "payee_bank_name",
    "payee_branch_name",
    "payee_account_name",
    "payee_account_number",
    "amount",
    "claim__order__number",
    "claim__contract__number",
    "enterprise__name",
    "claim__order__product__name",
)
TOTAL_LABEL = "合计"
CHUNK = 2000
PROGRESS_EVERY = 1000
MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class ExportResult:
    rows: int
    total: Decimal


def export_rows(batch: PayoutBatch) -> Any:
    """The live items as tuples in :data:`COLUMNS` order, streamed from the database."""
    return (
        PayoutItem.objects.filter(batch_id=batch.pk, status__in=LIVE_ITEM_STATUSES)
        .order_by("id")
        .values_list(*COLUMNS)
        .iterator(chunk_size=CHUNK)
    )


def write_payment_file(
    batch: PayoutBatch, out: IO[bytes] | str, progress: Callable[[int, int], None] | None = None
) -> ExportResult:
    """Write the batch's payment file to ``out`` (a path or a binary file); the last row is the totals.

    ``progress(done, total)`` is called every :data:`PROGRESS_EVERY` rows (a background job shows it)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="支付明细")
    sheet.append([inert(f"{batch.number} {batch.title}")])
    sheet.append(HEADERS)
    count = 0
    total = Decimal("0.00")
    money = COLUMNS.index("amount")
    for row in export_rows(batch):
        count += 1
        total += row[money]
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, batch.item_count)
        amount = WriteOnlyCell(sheet, value=row[money])
        amount.number_format = MONEY_FORMAT
        # Credit codes and account numbers stay text, so Excel keeps every digit.
        texts = [value or "" for value in row]
        sheet.append([count, *inert_row(texts[:money]), amount, *inert_row(texts[money + 1 :])])
    total_cell = WriteOnlyCell(sheet, value=total)
    total_cell.number_format = MONEY_FORMAT
    blank = [""] * (len(HEADERS) - money - 2)
    sheet.append([TOTAL_LABEL, f"{count} 笔", *[""] * (money - 1), total_cell, *blank])
    book.save(out)
    return ExportResult(rows=count, total=total)

"""Exporting the audit log to Excel (SPEC M3): a streamed write-only workbook in a temporary file.

Rows are read from the database in chunks and written straight to openpyxl's write-only sheet, which
keeps them on disk, so a log of any length exports in constant memory. The export is itself audited.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from openpyxl import Workbook

from voucher.core import clock
from voucher.core.audit import audit_record
from voucher.core.audit_chain import audit_log_row
from voucher.core.audit_permissions import can_view_audit_log
from voucher.core.audit_selectors import AuditFilters, audit_events
from voucher.core.exports import inert_row
from voucher.core.models import AuditEvent

SHEET = "审计日志"
HEADER = (
    "编号",
    "时间（北京时间）",
    "操作人",
    "动作",
    "对象类型",
    "对象编号",
    "对象",
    "变更前",
    "变更后",
    "说明",
    "链序号",
    "内容哈希",
    "链哈希",
)
WIDTHS = (10, 20, 16, 28, 24, 12, 30, 40, 40, 30, 10, 20, 20)
CHUNK = 2000


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _row(event: AuditEvent) -> tuple[Any, ...]:
    return (
        event.pk,
        clock.local(event.at).replace(tzinfo=None),
        event.actor_label,
        event.action,
        event.object_type,
        event.object_id,
        event.object_repr,
        _json(event.before),
        _json(event.after),
        event.note,
        event.chain_seq,
        event.content_hash,
        event.chain_hash or "",
    )


def write_audit_workbook(
    events: QuerySet[AuditEvent], target: IO[bytes], progress: Callable[[int], None] | None = None
) -> int:
    """Write ``events`` as an Excel workbook to ``target``; returns the number of rows.

    ``progress(done)`` is called after every chunk of rows (a background job shows it)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(HEADER)
    count = 0
    for event in events.iterator(chunk_size=CHUNK):
        sheet.append(inert_row(_row(event)))
        count += 1
        if progress is not None and count % CHUNK == 0:
            progress(count)
    book.save(target)
    return count


def audit_log_export(
    *, actor: Any, filters: AuditFilters, progress: Callable[[int, int], None] | None = None
) -> tuple[IO[bytes], int]:
    """Export the filtered log for an administrator; the export is recorded in the log it exports.

    Returns an open temporary file positioned at its start (deleted when closed) and the row count;
    ``progress(done, total)`` is told as rows are written.
    """
    can_view_audit_log(actor).enforce()
    events = audit_events(actor, filters).filter(pk__lte=_last_id())
    with transaction.atomic():
        count = events.count()
        audit_record(
            actor=actor,
            action="audit_log.exported",
            obj=audit_log_row(),
            after={"filters": filters.as_dict(), "rows": count},
            note="导出审计日志（Excel）",
        )
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  (closed by the response)
    try:
        write_audit_workbook(events, target, None if progress is None else lambda done: progress(done, count))
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, count


def _last_id() -> int:
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0

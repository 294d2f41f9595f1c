"""The credit list (E4): entries made by hand and imported from a workbook (preview, apply, discard)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from voucher.accounts.models import Organisation, User
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.notifications import notify
from voucher.core.uploads import check_sheet_size, display_file_name
from voucher.enterprises import uscc as uscc_rules
from voucher.enterprises.choices import (
    ImportStatus,
)
from voucher.enterprises.imports import ParsedRow
from voucher.enterprises.models import (
    CreditListEntry,
    CreditListImport,
)
from voucher.enterprises.permissions import (
    can_manage_credit_list,
)
from voucher.enterprises.services.authentication import _field_error

# --- credit list (E4) -------------------------------------------------------------------------


@transaction.atomic
def credit_list_entry_create(
    *,
    actor: Any,
    uscc: str,
    name: str,
    kind: str,
    recorded_on: Any,
    source: str = "",
    note: str = "",
    imported_from: CreditListImport | None = None,
) -> CreditListEntry:
    """Add one record to the credit list."""
    can_manage_credit_list(actor).enforce()
    try:
        code = uscc_rules.validate_format(uscc)
    except uscc_rules.UsccRefused as exc:
        raise _field_error("uscc", exc) from exc
    entry = CreditListEntry(
        uscc=code,
        name=name.strip(),
        kind=kind,
        recorded_on=recorded_on,
        source=source,
        note=note,
        imported_from=imported_from,
        created_at=clock.now(),
        created_by=actor,
    )
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, action="credit_list.added", obj=entry, after=snapshot(entry))
    listed = Organisation.objects.filter(uscc=code)
    notify(
        recipients=User.objects.filter(organisation__in=listed, is_active=True),
        kind="credit_listed",
        title="贵单位已被列入信用名单",
        body=f"{entry.get_kind_display()}（认定日期 {entry.recorded_on}）。此后的信用核查将不能通过，如有异议请联系市经信局。",
    )
    return entry


@transaction.atomic
def credit_list_entry_deactivate(*, actor: Any, entry: CreditListEntry, note: str = "") -> CreditListEntry:
    """Take a record off the active list (e.g. the court removed the debtor); the row is kept."""
    can_manage_credit_list(actor).enforce()
    locked = CreditListEntry.objects.select_for_update().get(pk=entry.pk)
    before = snapshot(locked, ["active", "note"])
    locked.active = False
    if note:
        locked.note = note[:300]
    locked.save(update_fields=["active", "note"])
    audit_record(
        actor=actor,
        action="credit_list.deactivated",
        obj=locked,
        before=before,
        after=snapshot(locked, ["active", "note"]),
    )
    return locked


@transaction.atomic
def credit_list_import_preview(
    *, actor: Any, file_name: str, content: bytes, progress: Callable[[int, int], None] | None = None
) -> CreditListImport:
    """Parse an uploaded CSV or Excel file and hold it for preview with row-level errors; nothing is listed yet.
    ``progress(done, total)`` follows the rows read (a background job shows it)."""
    from voucher.enterprises.imports import parse_credit_list

    can_manage_credit_list(actor).enforce()
    file_name = display_file_name(file_name, limit=200)
    if file_name.lower().endswith(".xlsx"):
        # Zip bombs and oversized sheets are refused before openpyxl opens the file; nothing is stored.
        check_sheet_size(content, name=file_name, field="file")
    rows, errors = parse_credit_list(file_name, content, progress=progress)
    batch = CreditListImport.objects.create(
        file_name=file_name,
        rows=[r.as_json() for r in rows],
        errors=errors,
        uploaded_at=clock.now(),
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action="credit_list.import_previewed",
        obj=batch,
        after={"rows": len(rows), "errors": len(errors)},
    )
    return batch


@transaction.atomic
def credit_list_import_apply(
    *, actor: Any, batch: CreditListImport, progress: Callable[[int, int], None] | None = None
) -> list[CreditListEntry]:
    """Add the valid rows of a previewed import to the list; ``progress(done, total)`` follows the rows."""
    can_manage_credit_list(actor).enforce()
    locked = CreditListImport.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportStatus.PREVIEW:
        raise ValidationError(ValidationError("该导入批次已处理，不能重复导入。", code="import_not_pending"))
    if not locked.rows:
        raise ValidationError(ValidationError("没有可导入的有效行。", code="import_empty"))
    entries = []
    for done, row in enumerate(locked.rows):
        if progress is not None:
            progress(done, len(locked.rows))
        entries.append(
            credit_list_entry_create(
                actor=actor, imported_from=locked, **ParsedRow.from_json(row).as_kwargs()
            )
        )
    locked.status = ImportStatus.APPLIED
    locked.applied_at = clock.now()
    locked.save(update_fields=["status", "applied_at"])
    audit_record(
        actor=actor,
        action="credit_list.imported",
        obj=locked,
        before={"status": ImportStatus.PREVIEW},
        after={"status": locked.status, "entries": len(entries)},
    )
    batch.status, batch.applied_at = locked.status, locked.applied_at
    return entries


@transaction.atomic
def credit_list_import_discard(*, actor: Any, batch: CreditListImport) -> CreditListImport:
    """Drop a previewed import without listing anything."""
    can_manage_credit_list(actor).enforce()
    locked = CreditListImport.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportStatus.PREVIEW:
        raise ValidationError(ValidationError("该导入批次已处理。", code="import_not_pending"))
    locked.status = ImportStatus.DISCARDED
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="credit_list.import_discarded",
        obj=locked,
        before={"status": ImportStatus.PREVIEW},
        after={"status": locked.status},
    )
    return locked

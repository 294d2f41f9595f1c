"""Claim materials (R2): uploading, merging and withdrawing files in their slots, and reading an
uploaded invoice.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from voucher.claims import files as claim_files
from voucher.claims.choices import (
    SLOTS,
    MaterialKind,
)
from voucher.claims.invoices.extract import InvoiceReading, read_invoice
from voucher.claims.models import (
    Claim,
    ClaimMaterial,
    MaterialReading,
    normalise_invoice_number,
)
from voucher.claims.permissions import can_edit_claim
from voucher.claims.prechecks import is_digital_marketing
from voucher.claims.services.common import _check_window, _lock_claim, _touch, refuse
from voucher.core import clock
from voucher.core.audit import audit_record
from voucher.core.text import clean_text
from voucher.core.uploads import JPEG, PDF, PNG


def _read_invoice(claim: Claim, material: ClaimMaterial, data: bytes) -> MaterialReading:
    """Read the uploaded invoice file (voucher.claims.invoices) and keep the result with the file."""
    result = read_invoice(data)
    fields: dict[str, Any] = {"readable": result.readable}
    if isinstance(result, InvoiceReading):
        fields.update(
            source=result.source,
            invoice_number=result.invoice_number,
            invoice_number_normalised=normalise_invoice_number(result.invoice_number),
            issue_date=result.issue_date,
            seller_name=result.seller_name,
            seller_tax_id=result.seller_tax_id,
            buyer_name=result.buyer_name,
            buyer_tax_id=result.buyer_tax_id,
            item_names=list(result.item_names),
            amount_without_tax=result.amount_without_tax,
            tax=result.tax,
            total=result.total,
        )
    else:
        fields["reason"] = result.reason[:200]
    return MaterialReading.objects.create(material=material, claim=claim, read_at=clock.now(), **fields)


def _slot_for(claim: Claim, kind: str, field: str = "kind") -> Any:
    if kind not in SLOTS:
        raise refuse("invalid_kind", "材料类型无效。", field)
    slot = SLOTS[kind]
    if slot.digital_marketing_only and not is_digital_marketing(claim):
        raise refuse("slot_not_applicable", f"“{slot.label}”仅数字化营销服务订单需要上传。", field)
    return slot


def _supersede_current(claim: Claim, kind: str, now: Any) -> list[ClaimMaterial]:
    """The current files of a single-file slot, marked superseded (the unique constraint allows one
    current file per type)."""
    replaced = list(
        ClaimMaterial.objects.select_for_update().filter(claim=claim, kind=kind, superseded_at__isnull=True)
    )
    ClaimMaterial.objects.filter(pk__in=[m.pk for m in replaced]).update(superseded_at=now)
    return replaced


def _audit_stored(
    actor: Any, claim: Claim, material: ClaimMaterial, replaced: list[ClaimMaterial], merged_from: list[str]
) -> None:
    """Audit the files replaced and the one stored."""
    kind, name = material.kind, material.original_name
    for old in replaced:
        audit_record(
            actor=actor,
            action="claim.material_replaced",
            obj=claim,
            before={"kind": kind, "file": old.original_name, "sha256": old.sha256},
            after={"kind": kind, "file": material.original_name, "sha256": material.sha256},
        )
    audit_record(
        actor=actor,
        action="claim.material_uploaded",
        obj=claim,
        after={
            "kind": kind,
            "file": name,
            "size": material.size,
            "sha256": material.sha256,
            "pages": material.page_count,
            "merged_from": merged_from,
        },
    )


def _store(
    *,
    actor: Any,
    claim: Claim,
    kind: str,
    name: str,
    data: bytes,
    checked: claim_files.CheckedFile,
    merged_from: list[str],
) -> ClaimMaterial:
    """Keep a checked file in its slot, replacing the current one of a single-file slot; an invoice is
    read at once. The stored file is deleted again if the database write fails."""
    slot = SLOTS[kind]
    now = clock.now()
    replaced = _supersede_current(claim, kind, now) if slot.single else []
    material = ClaimMaterial(
        claim=claim,
        kind=kind,
        original_name=name,
        content_type=checked.inspected.content_type,
        size=len(data),
        sha256=checked.inspected.sha256,
        page_count=checked.page_count,
        text=checked.text,
        merged_from=merged_from,
        uploaded_by=actor,
        uploaded_at=now,
    )
    material.file.save(name, ContentFile(data), save=False)
    stored = material.file.name
    try:
        material.save()
        ClaimMaterial.objects.filter(pk__in=[m.pk for m in replaced]).update(superseded_by=material)
        if kind == MaterialKind.INVOICE:
            reading = _read_invoice(claim, material, data)
            audit_record(
                actor=actor,
                action="claim.invoice_read",
                obj=claim,
                after={"file": name, "readable": reading.readable, "source": reading.source},
            )
        _audit_stored(actor, claim, material, replaced, merged_from)
        _touch(claim, [])
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return material


def claim_material_upload(*, actor: Any, claim: Claim, kind: str, file: Any) -> ClaimMaterial:
    """Put one file in its slot after checking its content; a file already in a single slot is kept as
    superseded (R2: exactly one current file per type, "other" may hold several)."""
    can_edit_claim(actor, claim).enforce()
    with transaction.atomic():
        locked = _lock_claim(claim)
        can_edit_claim(actor, locked).enforce()
        _check_window(locked.contract, what="上传兑券材料")
        slot = _slot_for(locked, kind)
        checked = claim_files.check_file(file, allowed=slot.accepts)
        return _store(
            actor=actor,
            claim=locked,
            kind=kind,
            name=checked.name,
            data=checked.data,
            checked=checked,
            merged_from=[],
        )


def claim_material_merge(
    *, actor: Any, claim: Claim, kind: str, files: list[Any], order: str | None = None, name: str = ""
) -> ClaimMaterial:
    """Merge several images/PDFs into one PDF in the chosen order (``"3,1,2"``: 1-based positions of the
    uploaded files) and put it in the slot, as :func:`claim_material_upload` does."""
    can_edit_claim(actor, claim).enforce()
    with transaction.atomic():
        locked = _lock_claim(claim)
        can_edit_claim(actor, locked).enforce()
        _check_window(locked.contract, what="上传兑券材料")
        slot = _slot_for(locked, kind)
        if PDF not in slot.accepts:
            raise refuse("merge_bad_slot", f"“{slot.label}”不接受 PDF。", "kind")
        files = [f for f in files if f]
        if len(files) < 2:
            raise refuse("merge_too_few", "请至少选择两个文件进行合并。", "files")
        positions = claim_files.parse_order(order, len(files))
        parts = []
        for file in files:
            checked = claim_files.check_file(file, allowed=(PDF, PNG, JPEG), field="files")
            parts.append((checked.name, checked.data))
        ordered = [parts[i] for i in positions]
        merged = claim_files.merge_to_pdf(ordered)
        label = (
            clean_text(name).strip().replace("/", "_")[:80]
            or f"{MaterialKind(kind).label.split('（')[0]}-合并"
        )
        file_name = label if label.lower().endswith(".pdf") else f"{label}.pdf"
        result = claim_files.check_file(ContentFile(merged, name=file_name), allowed=slot.accepts)
        return _store(
            actor=actor,
            claim=locked,
            kind=kind,
            name=file_name,
            data=merged,
            checked=result,
            merged_from=[n for n, _ in ordered],
        )


def claim_material_withdraw(*, actor: Any, claim: Claim, material: ClaimMaterial) -> ClaimMaterial:
    """Take a file out of the claim before submission; it is kept as superseded for the audit trail."""
    can_edit_claim(actor, claim).enforce()
    with transaction.atomic():
        locked = _lock_claim(claim)
        can_edit_claim(actor, locked).enforce()
        row = ClaimMaterial.objects.select_for_update().get(pk=material.pk, claim=locked)
        if row.superseded_at is not None:
            raise refuse("already_withdrawn", "该文件已被替换或撤下。")
        row.superseded_at = clock.now()
        row.save(update_fields=["superseded_at"])
        audit_record(
            actor=actor,
            action="claim.material_withdrawn",
            obj=locked,
            before={"kind": row.kind, "file": row.original_name, "sha256": row.sha256},
            after={"kind": row.kind, "file": None},
        )
        _touch(locked, [])
        return row

"""The provider's year-level dossier and the uploaded materials of an application."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction

from voucher.accounts.models import Organisation
from voucher.applications import permissions
from voucher.applications.choices import (
    SLOTS,
    ApplicationStatus,
    MaterialKind,
    MaterialScope,
    Slot,
)
from voucher.applications.models import (
    Application,
    Material,
    ProviderDossier,
)
from voucher.applications.rules import qualification_options
from voucher.applications.services.common import DOSSIER_FIELDS, _locked, _raise, max_upload_bytes
from voucher.applications.validation import (
    Errors,
    _decimal,
    _text,
)
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.uploads import display_file_name, inspect_upload
from voucher.programmes.models import ProgrammeYear


@transaction.atomic
def dossier_update(
    *, actor: Any, organisation: Organisation, programme: ProgrammeYear, data: Mapping[str, Any]
) -> ProviderDossier:
    """Change the provider's year-level data: introduction, revenue, contract list, qualifications."""
    permissions.can_manage_dossier(actor, organisation).enforce()
    if Application.objects.filter(
        organisation=organisation,
        programme=programme,
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED],
    ).exists():
        raise ValidationError({"__all__": "本单位已有待审核或已通过的申报，申报资料已锁定。"})
    dossier, _ = ProviderDossier.objects.get_or_create(organisation=organisation, programme=programme)
    dossier = ProviderDossier.objects.select_for_update().get(pk=dossier.pk)
    before = snapshot(dossier, DOSSIER_FIELDS)
    errors: Errors = {}
    if "introduction" in data:
        dossier.introduction = _text(data["introduction"])
    if "revenue_last_year_wan" in data:
        try:
            dossier.revenue_last_year_wan = _decimal(data["revenue_last_year_wan"])
        except ValueError:
            errors["revenue_last_year_wan"] = ["营业收入只填写数字（最多两位小数），单位为“万元”。"]
    if "sme_contracts" in data:
        try:
            dossier.sme_contracts = parse_contract_list(data["sme_contracts"])
        except ValueError as exc:
            errors["sme_contracts"] = [str(exc)]
    if "qualifications" in data:
        known = dict(qualification_options(programme))
        codes = [str(c) for c in (data["qualifications"] or [])]
        unknown = [c for c in codes if c not in known]
        if unknown:
            errors["qualifications"] = [f"未知的资质：{'、'.join(unknown)}。"]
        dossier.qualifications = sorted(set(codes) & set(known))
    if "qualification_notes" in data:
        dossier.qualification_notes = _text(data["qualification_notes"])
    _raise(errors)
    dossier.save()
    audit_record(
        actor=actor,
        action="dossier.updated",
        obj=dossier,
        before=before,
        after=snapshot(dossier, DOSSIER_FIELDS),
    )
    return dossier


def parse_contract_list(value: Any) -> list[dict[str, str]]:
    """Contracts as ``[{"enterprise", "signed_on"}]`` from a list or lines "企业名称 YYYY-MM-DD"."""
    import datetime as dt
    import re

    rows: list[dict[str, str]] = []
    if isinstance(value, str):
        items: list[Any] = []
        for number, line in enumerate(value.splitlines(), start=1):
            if not line.strip():
                continue
            match = re.match(r"^\s*(.+?)[\s,，]+(\d{4}-\d{1,2}-\d{1,2})\s*$", line)
            if not match:
                raise ValueError(
                    f"合同清单第{number}行格式应为“企业名称 签订日期”，如“北京某某有限公司 2024-05-01”。"
                )
            items.append({"enterprise": match.group(1).strip(), "signed_on": match.group(2)})
    else:
        items = list(value or [])
    for number, item in enumerate(items, start=1):
        name = str(item.get("enterprise", "")).strip()
        try:
            day = dt.date.fromisoformat(
                "-".join(p.zfill(2) for p in str(item.get("signed_on", "")).split("-"))
            )
        except ValueError:
            raise ValueError(f"合同清单第{number}条的签订日期无效。") from None
        if not name:
            raise ValueError(f"合同清单第{number}条缺少企业名称。")
        rows.append({"enterprise": name, "signed_on": day.isoformat()})
    return rows


def _slot_for(kind: str, application: Application | None) -> Slot:
    """The slot of ``kind``; product slots take files of an application, provider slots of the dossier."""
    if kind not in SLOTS:
        raise ValidationError({"kind": "材料类型无效。"})
    slot = SLOTS[kind]
    expected_scope = MaterialScope.PRODUCT if application is not None else MaterialScope.PROVIDER
    if slot.scope != expected_scope:
        where = "产品申报" if slot.scope == MaterialScope.PRODUCT else "服务商申报资料"
        raise ValidationError({"kind": f"“{MaterialKind(kind).label}”须在{where}中上传。"})
    return slot


@transaction.atomic
def material_upload(
    *,
    actor: Any,
    organisation: Organisation,
    programme: ProgrammeYear,
    kind: str,
    file: File,
    application: Application | None = None,
) -> Material:
    """Store one file in its slot after checking its content (type by magic bytes, size)."""
    if application is not None:
        application = _locked(application)
        organisation = application.organisation
        programme = application.programme
    permissions.can_upload_material(actor, organisation, application).enforce()
    slot = _slot_for(kind, application)
    name = display_file_name(getattr(file, "name", "") or "")
    inspected = inspect_upload(
        file, allowed=slot.accepts, max_bytes=max_upload_bytes(), name=name, parse_pdf=True
    )
    replaced: list[Material] = []
    if slot.single and application is not None:
        replaced = list(Material.objects.select_for_update().filter(application=application, kind=kind))
    material = Material(
        organisation=organisation,
        programme=programme,
        application=application,
        scope=slot.scope,
        kind=kind,
        original_name=name,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    file.seek(0)
    material.file.save(name, file, save=False)
    stored_name = material.file.name
    # If anything below fails the row is rolled back; remove the stored file too.
    try:
        material.save()
        for old in replaced:
            _remove(actor=actor, material=old, action="material.replaced")
        audit_record(
            actor=actor,
            action="material.uploaded",
            obj=material,
            after=snapshot(
                material, ["kind", "original_name", "content_type", "size", "sha256", "application_id"]
            ),
        )
    except Exception:
        default_storage.delete(stored_name)
        raise
    return material


def _remove(*, actor: Any, material: Material, action: str) -> None:
    stored = material.file.name
    audit_record(
        actor=actor,
        action=action,
        obj=material,
        before=snapshot(material, ["kind", "original_name", "sha256", "application_id"]),
    )
    material.delete()

    def drop() -> None:
        with contextlib.suppress(OSError):
            default_storage.delete(stored)

    transaction.on_commit(drop)


@transaction.atomic
def material_delete(*, actor: Any, material: Material) -> None:
    """Remove a file while its application (or, for provider files, the dossier) is still editable."""
    material = (
        Material.objects.select_for_update(of=("self",))
        .select_related("application", "organisation")
        .get(pk=material.pk)
    )
    permissions.can_delete_material(actor, material).enforce()
    _remove(actor=actor, material=material, action="material.deleted")

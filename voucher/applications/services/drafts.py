"""Drafting an application: creating it, the save actions (temporary save and save), deleting a draft
and filling the form from an uploaded Excel (P6).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max

from voucher.accounts.models import Organisation
from voucher.applications import permissions
from voucher.applications.choices import (
    MaterialKind,
)
from voucher.applications.models import (
    Application,
    Material,
)
from voucher.applications.services.common import (
    FORM_SNAPSHOT,
    _locked,
    _name_taken,
    _raise,
    _store,
    _write,
    max_upload_bytes,
)
from voucher.applications.services.materials import _remove, material_upload
from voucher.applications.validation import (
    form_problems,
    parse_form,
)
from voucher.core.audit import audit_record, snapshot
from voucher.core.uploads import display_file_name, inspect_upload
from voucher.programmes.models import ProgrammeYear


@transaction.atomic
def application_create(
    *, actor: Any, programme: ProgrammeYear, data: Mapping[str, Any] | None = None, full_check: bool = False
) -> Application:
    """Start a draft (待提交) for the actor's organisation; ``data`` is stored as with 临时保存 (or 保存)."""
    permissions.can_create_application(actor).enforce()
    organisation = Organisation.objects.select_for_update().get(pk=actor.organisation_id)
    last = Application.objects.filter(organisation=organisation, programme=programme).aggregate(
        m=Max("sequence")
    )["m"]
    application = Application(
        programme=programme,
        organisation=organisation,
        sequence=(last or 0) + 1,
        created_by=actor,
        provider_name=organisation.name,
        contact_name=actor.display_name or "",
        contact_mobile=getattr(actor, "mobile", "") or "",
    )
    values, errors = parse_form(data or {}, programme=programme)
    _write(application, values)
    if full_check:
        errors = {**form_problems(application, organisation=organisation, programme=programme), **errors}
    else:
        errors = {**_name_taken(application), **errors}
    _raise(errors)
    _store(application, values, actor=actor, action="application.created", before={})
    return application


@transaction.atomic
def application_temp_save(*, actor: Any, application: Application, data: Mapping[str, Any]) -> Application:
    """临时保存 (P3): store what was entered without checking completeness or rules.

    Only values that cannot be stored at all (text for a number, an over-long field, a duplicate
    product name held by the database constraint) are refused.
    """
    application = _locked(application)
    permissions.can_edit_application(actor, application).enforce()
    before = snapshot(application, FORM_SNAPSHOT)
    values, errors = parse_form(data, programme=application.programme)
    _write(application, values)
    _raise({**_name_taken(application), **errors})
    _store(application, values, actor=actor, action="application.temp_saved", before=before)
    return application


@transaction.atomic
def application_save(*, actor: Any, application: Application, data: Mapping[str, Any]) -> Application:
    """保存 (P3): store the whole form after the full check; every problem is reported at its field at once."""
    application = _locked(application)
    permissions.can_edit_application(actor, application).enforce()
    before = snapshot(application, FORM_SNAPSHOT)
    values, errors = parse_form(data, programme=application.programme)
    _write(application, values)
    problems = form_problems(
        application, organisation=application.organisation, programme=application.programme
    )
    _raise({**problems, **errors})
    _store(application, values, actor=actor, action="application.saved", before=before)
    return application


@transaction.atomic
def application_delete(*, actor: Any, application: Application) -> None:
    """Remove a draft that was never submitted, with its files (a submitted one stays on record)."""
    application = _locked(application)
    permissions.can_delete_application(actor, application).enforce()
    for material in list(Material.objects.select_for_update().filter(application=application)):
        _remove(actor=actor, material=material, action="material.deleted")
    audit_record(
        actor=actor,
        action="application.deleted",
        obj=application,
        before=snapshot(application, FORM_SNAPSHOT),
    )
    application.delete()


def application_excel_inspect(file: File, default_name: str = "") -> str:
    """Refuse, at the ``excel`` field, an upload that is not an .xlsx within the size and sheet limits (P6).

    Returns the file name to show. Reading the cells is left to :func:`application_import_excel`.
    """
    from voucher.applications.excel import MAX_COLUMNS, MAX_ROWS

    name = display_file_name(getattr(file, "name", "") or "") or default_name
    inspect_upload(
        file,
        allowed=["xlsx"],
        max_bytes=max_upload_bytes(),
        name=name,
        field="excel",
        max_rows=MAX_ROWS,
        max_columns=MAX_COLUMNS,
    )
    return name


@transaction.atomic
def application_import_excel(*, actor: Any, application: Application, file: File) -> Application:
    """Fill the form from an uploaded Excel (P6) and keep the file as the form's Excel version.

    The workbook is checked completely first; any problem is reported at its cell and nothing changes.
    """
    from voucher.applications.excel import ExcelProblems, read_form

    application = _locked(application)
    permissions.can_edit_application(actor, application).enforce()
    application_excel_inspect(file)
    file.seek(0)
    try:
        raw = read_form(file.read(), application=application)
    except ExcelProblems as exc:
        raise ValidationError({"excel": exc.messages}) from None
    file.seek(0)
    before = snapshot(application, FORM_SNAPSHOT)
    values, _ = parse_form(raw, programme=application.programme)
    _write(application, values)
    _store(application, values, actor=actor, action="application.excel_imported", before=before)
    material_upload(
        actor=actor,
        organisation=application.organisation,
        programme=application.programme,
        kind=MaterialKind.FORM_EXCEL,
        file=file,
        application=application,
    )
    return application

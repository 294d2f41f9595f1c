"""Writes for product applications: the three save actions, submission, decisions, materials, Excel import.

Every function is the single place its change happens (ARCHITECTURE conventions 1–2): it runs in a
transaction, locks the rows it changes, checks permission and transition, writes an audit event and
notifies the provider. Nothing is half-saved: a refused call leaves the database as it was.
"""

from voucher.applications.services.common import (
    BEIJING,
    DOSSIER_FIELDS,
    FORM_SNAPSHOT,
    max_upload_bytes,
    pledge_text,
)
from voucher.applications.services.drafts import (
    application_create,
    application_delete,
    application_excel_inspect,
    application_import_excel,
    application_save,
    application_temp_save,
)
from voucher.applications.services.materials import (
    dossier_update,
    material_delete,
    material_upload,
    parse_contract_list,
)
from voucher.applications.services.review import (
    application_approve,
    application_decide,
    application_lock_name,
    application_reject,
    application_return,
    application_submit,
    dossier_problems,
    material_problems,
    profile_problems,
    submission_problems,
)

__all__ = [
    "BEIJING",
    "DOSSIER_FIELDS",
    "FORM_SNAPSHOT",
    "application_approve",
    "application_create",
    "application_decide",
    "application_delete",
    "application_excel_inspect",
    "application_import_excel",
    "application_lock_name",
    "application_reject",
    "application_return",
    "application_save",
    "application_submit",
    "application_temp_save",
    "dossier_problems",
    "dossier_update",
    "material_delete",
    "material_problems",
    "material_upload",
    "max_upload_bytes",
    "parse_contract_list",
    "pledge_text",
    "profile_problems",
    "submission_problems",
]

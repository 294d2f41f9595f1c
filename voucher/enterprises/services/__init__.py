"""Writes of the enterprises app, by topic: authentication (E1, E2), size classification (E3), the
quota ledger (E6) and the credit list (E4). Every public service is re-exported here.
"""

from voucher.enterprises.services.authentication import (
    EVIDENCE_TYPES,
    enterprise_authenticate,
    enterprise_register,
    uscc_registrable,
)
from voucher.enterprises.services.classification import (
    classification_review,
    enterprise_classify,
)
from voucher.enterprises.services.credit_list import (
    credit_list_entry_create,
    credit_list_entry_deactivate,
    credit_list_import_apply,
    credit_list_import_discard,
    credit_list_import_preview,
)
from voucher.enterprises.services.quota import (
    BUCKET_LABELS,
    quota_account_open,
    quota_adjust_commitment,
    quota_cap_for,
    quota_claw_back,
    quota_commit,
    quota_pay,
    quota_release,
    quota_release_commitment,
    quota_reserve,
)

__all__ = [
    "BUCKET_LABELS",
    "EVIDENCE_TYPES",
    "classification_review",
    "credit_list_entry_create",
    "credit_list_entry_deactivate",
    "credit_list_import_apply",
    "credit_list_import_discard",
    "credit_list_import_preview",
    "enterprise_authenticate",
    "enterprise_classify",
    "enterprise_register",
    "quota_account_open",
    "quota_adjust_commitment",
    "quota_cap_for",
    "quota_claw_back",
    "quota_commit",
    "quota_pay",
    "quota_release",
    "quota_release_commitment",
    "quota_reserve",
    "uscc_registrable",
]

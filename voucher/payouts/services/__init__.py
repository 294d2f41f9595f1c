"""Payout batches (分批兑付, SPEC R7): batching approved claims, the public notice and its objections,
approval for disbursement, the payment file and recording payments; the providers' payee accounts.

By topic: :mod:`.payees` (payee accounts), :mod:`.batches` (draft to notice), :mod:`.notice_objections`
(objections to a notice), :mod:`.disbursement` (approval, payment file, payments); shared pieces in
:mod:`.common`. Every public name is re-exported here, so ``from voucher.payouts.services import X``
and ``services.X`` keep working.

Locking order: the batch, then its items, then (through the ledger service) the quota accounts.
"""

from voucher.core.errors import refuse
from voucher.payouts.services.batches import (
    check_filters,
    notice_end,
    payout_batch_cancel,
    payout_batch_create,
    payout_batch_publish,
    payout_item_remove,
)
from voucher.payouts.services.common import (
    BATCH_AUDIT_FIELDS,
    ITEM_AUDIT_FIELDS,
    REASON_MAX,
    batch_url,
    public_url,
)
from voucher.payouts.services.disbursement import (
    missing_payees,
    payout_batch_approve,
    payout_batch_export,
    payout_mark_paid,
)
from voucher.payouts.services.notice_objections import (
    PAYOUT,
    payout_objection_file,
    payout_objection_resolve,
)
from voucher.payouts.services.payees import (
    PAYEE_FIELDS,
    payee_account_save,
    payee_audit_view,
    payee_locking_batches,
)

__all__ = [
    "BATCH_AUDIT_FIELDS",
    "ITEM_AUDIT_FIELDS",
    "PAYEE_FIELDS",
    "PAYOUT",
    "REASON_MAX",
    "batch_url",
    "check_filters",
    "missing_payees",
    "notice_end",
    "payee_account_save",
    "payee_audit_view",
    "payee_locking_batches",
    "payout_batch_approve",
    "payout_batch_cancel",
    "payout_batch_create",
    "payout_batch_export",
    "payout_batch_publish",
    "payout_item_remove",
    "payout_mark_paid",
    "payout_objection_file",
    "payout_objection_resolve",
    "public_url",
    "refuse",
]

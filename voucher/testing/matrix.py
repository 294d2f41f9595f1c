"""Pages whose role matrix lives in their own app's ``tests/test_permissions.py``, by app.

``tests/test_permission_matrix.py`` checks that every page has a row there or is listed here. Dashboards,
oversight and payouts build their matrices from tables of pages and check those match the lists here; the
account, claim and contract matrices are written test by test.
"""

from __future__ import annotations

APP_MATRIX_PAGES: dict[str, frozenset[str]] = {
    # test_regenerate_matrix: the page replacing the recovery codes needs a second factor set up.
    "accounts": frozenset({"accounts:otp_regenerate"}),
    # Requested as every actor by the tests of claims/tests/test_permissions.py.
    "claims": frozenset(
        {
            "claims:checks",
            "claims:confirm",
            "claims:credit",
            "claims:data",
            "claims:decide",
            "claims:detail",
            "claims:download",
            "claims:index",
            "claims:materials",
            "claims:preview",
            "claims:queue",
            "claims:start",
            "claims:waive",
            "claims:waiver_file",
            "claims:withdraw",
        }
    ),
    # Requested as every actor by the three page-matrix tests of contracts/tests/test_permissions.py.
    "contracts": frozenset(
        {
            "contracts:amend",
            "contracts:annex",
            "contracts:annex_docx",
            "contracts:annex_pdf",
            "contracts:complete",
            "contracts:confirm",
            "contracts:detail",
            "contracts:index",
            "contracts:new",
            "contracts:rating_edit",
            "contracts:rating_reply",
        }
    ),
    "dashboards": frozenset({"dashboards:export", "dashboards:index"}),
    "enforcement": frozenset(
        {
            "enforcement:case",
            "enforcement:clawback",
            "enforcement:clawback_evidence",
            "enforcement:clawback_new",
            "enforcement:clawback_repay",
            "enforcement:clawback_report",
            "enforcement:clawback_waive",
            "enforcement:clawbacks",
            "enforcement:index",
            "enforcement:product_resume",
            "enforcement:records",
            "enforcement:sanction",
            "enforcement:sanction_lift",
            "enforcement:sanction_new",
            "enforcement:sanctions",
            "enforcement:spot_check",
            "enforcement:spot_check_assign",
            "enforcement:spot_check_finding",
            "enforcement:spot_check_new",
            "enforcement:spot_check_verify",
            "enforcement:spot_checks",
        }
    ),
    "payouts": frozenset(
        {
            "payouts:batch_approve",
            "payouts:batch_cancel",
            "payouts:batch_detail",
            "payouts:batch_export",
            "payouts:batch_new",
            "payouts:batch_paid",
            "payouts:batch_publish",
            "payouts:batches",
            "payouts:index",
            "payouts:item_paid",
            "payouts:item_remove",
            "payouts:objection_file",
            "payouts:objection_resolve",
            "payouts:payee",
            "payouts:public_batch",
            "payouts:public_batches",
            "tasks:payout_export_start",
        }
    ),
}

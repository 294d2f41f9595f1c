"""Oversight writes (SPEC M1, M2, M5, E7; guide 五、3–5).

Sanctions: :func:`sanction_record` records one violation case against an enterprise and/or a provider and,
in the same transaction, suspends the products involved (all on-sale products of a sanctioned provider),
opens clawbacks for the affected approved claims and bans each party from the decision date until the
day before the same date ``sanction_years`` later. The ban is enforced where orders, product
applications and claims are submitted (``selectors.sanction_refusal``). Lifting needs an admin and a reason.

Clawbacks: the provider reports a refund or missing service on its approved claim, or the Bureau opens
one; repayments are recorded until the amount due is repaid, or the Bureau waives the rest with a
reason. The quota effect follows the programme's ``clawback_restores_quota``: when set, each repayment
moves the amount from the enterprise's paid bucket back to available (``quota_claw_back``) once the claim
has been paid out; otherwise the ledger is not moved — the paid amount stays used — and the clawback
records that rule.

Spot checks: the Bureau draws a reproducible sample (see :mod:`voucher.enforcement.sampling`), assigns
inspectors, who record findings; the check closes when every item has an outcome.

Locking order: claim, then clawback, then the enterprise's quota account.
"""

from voucher.enforcement.services.clawbacks import (
    clawable,
    clawback_open,
    clawback_record_repayment,
    clawback_report,
    clawback_waive,
)
from voucher.enforcement.services.common import (
    CLAWBACK_AUDIT,
    EVIDENCE_TYPES,
    ITEM_AUDIT,
    SANCTION_AUDIT,
    TEXT_MAX,
)
from voucher.enforcement.services.sanctions import (
    claims_in_scope,
    sanction_lift,
    sanction_period,
    sanction_record,
)
from voucher.enforcement.services.spot_checks import (
    eligible_population,
    population_status,
    spot_check_assign,
    spot_check_draw,
    spot_check_record_finding,
)

__all__ = [
    "CLAWBACK_AUDIT",
    "EVIDENCE_TYPES",
    "ITEM_AUDIT",
    "SANCTION_AUDIT",
    "TEXT_MAX",
    "claims_in_scope",
    "clawable",
    "clawback_open",
    "clawback_record_repayment",
    "clawback_report",
    "clawback_waive",
    "eligible_population",
    "population_status",
    "sanction_lift",
    "sanction_period",
    "sanction_record",
    "spot_check_assign",
    "spot_check_draw",
    "spot_check_record_finding",
]

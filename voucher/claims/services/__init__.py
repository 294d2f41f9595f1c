"""Redemption claims (兑券, SPEC R1–R6, R8): drafting, materials, pre-checks, the irreversible submission,
waivers and the sweeper, reviewer decisions and their quota-ledger moves.

Claim period (R1, guide §四（四）1 "自成交之日起至用券结束2周内，最晚至10月20日"): from the contract's
signing date (the deal) until ``programme.claim_deadline(contract.service_end)``. The claim may be filed
once both parties have confirmed the contract; whether the enterprise has already confirmed completion
is shown to the reviewer as a pre-check.

Quota ledger: approval reduces the contract's commitment to the approved payout (a reduced part returns
to available with :func:`quota_release_commitment`); the approved payout stays committed until the payout
batch (R7) marks it paid, which moves it from committed to paid. A void order or a waived claim releases
the whole commitment back to available.

Locking order, the same in every service: the enterprise's quota account, then the claim, then the contract.
"""

from voucher.claims.services.common import (
    CLAIM_AUDIT_FIELDS,
    CLAIMABLE_CONTRACT_STATUSES,
    REASON_MAX,
    Window,
    claim_window,
    refuse,
)
from voucher.claims.services.drafting import (
    ClaimData,
    claim_start,
    claim_update_data,
)
from voucher.claims.services.materials import (
    claim_material_merge,
    claim_material_upload,
    claim_material_withdraw,
)
from voucher.claims.services.review import (
    claim_credit_check,
    claim_decide,
)
from voucher.claims.services.submission import (
    claim_run_prechecks,
    claim_submit,
    submission_problems,
)
from voucher.claims.services.waivers import (
    claim_waive,
    claims_sweep,
)

__all__ = [
    "CLAIMABLE_CONTRACT_STATUSES",
    "CLAIM_AUDIT_FIELDS",
    "REASON_MAX",
    "ClaimData",
    "Window",
    "claim_credit_check",
    "claim_decide",
    "claim_material_merge",
    "claim_material_upload",
    "claim_material_withdraw",
    "claim_run_prechecks",
    "claim_start",
    "claim_submit",
    "claim_update_data",
    "claim_waive",
    "claim_window",
    "claims_sweep",
    "refuse",
    "submission_problems",
]

"""Figures of the admin dashboard (SPEC M4), read straight from the quota ledger and the claims.

Budget buckets:

* reserved / committed / paid come from the quota ledger. Totals are the sums over the year's
  :class:`QuotaAccount` buckets; breakdowns and the time series come from the ledger entries: each
  entry's change of a bucket is its ``*_after`` balance minus the previous entry's on the same account
  (a window function, in one grouped query), attributed to the order named in the entry's reference
  (its product's direction and field) and to the enterprise's registration district. Summed over all
  entries these changes equal the account buckets, so every breakdown adds up to the totals.
* approved is the sum of ``Claim.approved_payout`` over approved claims, attributed the same way.

Nothing here assumes when the ledger moves a claim to "paid" (at approval or at disbursement): "paid"
is whatever the ledger says, "approved" whatever the reviewers decided.
"""

from voucher.dashboards.selectors.activity import (
    RANKINGS,
    AgeRow,
    ProductVouchers,
    ProviderRow,
    StatusRow,
    claims_by_age,
    claims_by_status,
    provider_ranking,
    vouchers_by_product,
)
from voucher.dashboards.selectors.budget_figures import (
    GROUPED_CHANGES,
    AccountTotals,
    Budget,
    BudgetRow,
    Period,
    account_totals,
    approved_total,
    budget,
    directions_of,
    district_name,
    periods_of,
)
from voucher.dashboards.selectors.common import (
    AGE_BUCKETS,
    BUCKET_LABELS,
    BUCKETS,
    OPEN_CLAIM_STATUSES,
    PERIODS,
    UNKNOWN,
    UNKNOWN_DIRECTION,
    UNKNOWN_DISTRICT,
    Filters,
)
from voucher.dashboards.selectors.workbench import (
    Headline,
    headline,
)

__all__ = [
    "AGE_BUCKETS",
    "BUCKETS",
    "BUCKET_LABELS",
    "GROUPED_CHANGES",
    "OPEN_CLAIM_STATUSES",
    "PERIODS",
    "RANKINGS",
    "UNKNOWN",
    "UNKNOWN_DIRECTION",
    "UNKNOWN_DISTRICT",
    "AccountTotals",
    "AgeRow",
    "Budget",
    "BudgetRow",
    "Filters",
    "Headline",
    "Period",
    "ProductVouchers",
    "ProviderRow",
    "StatusRow",
    "account_totals",
    "approved_total",
    "budget",
    "claims_by_age",
    "claims_by_status",
    "directions_of",
    "district_name",
    "headline",
    "periods_of",
    "provider_ranking",
    "vouchers_by_product",
]

"""Fixtures for the job tests: payouts (the payment file is the long job with the most at stake) and a
claim with its contract (pre-checks and merges)."""

from voucher.testing.claims import claim, contract, filled, on_claim_day  # noqa: F401
from voucher.testing.contracts import order  # noqa: F401
from voucher.testing.orders import buyer, on_order_day, product, provider  # noqa: F401
from voucher.testing.payout_fixtures import (  # noqa: F401
    after_notice,
    approved,
    claims,
    media_root,
    payees,
    provider_a,
    provider_b,
)

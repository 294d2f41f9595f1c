"""Payout fixtures for the job tests (the payment file is the long job with the most at stake)."""

from voucher.testing.payout_fixtures import (  # noqa: F401
    after_notice,
    approved,
    claims,
    media_root,
    payees,
    provider_a,
    provider_b,
)

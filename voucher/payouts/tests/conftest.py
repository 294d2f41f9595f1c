"""Fixtures for payouts: approved claims of two providers, payee accounts, and a batch in each state."""

from voucher.testing.payout_fixtures import (  # noqa: F401
    after_notice,
    approved,
    claims,
    draft,
    exported,
    media_root,
    noticed,
    payees,
    provider_a,
    provider_b,
)

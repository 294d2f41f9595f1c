"""Fixtures for claims: a contract confirmed and completed by both parties, a claim in each state."""

from voucher.testing.claims import claim, contract, filled, on_claim_day, submitted  # noqa: F401
from voucher.testing.contracts import order  # noqa: F401
from voucher.testing.orders import another_buyer, buyer, on_order_day, product, provider  # noqa: F401

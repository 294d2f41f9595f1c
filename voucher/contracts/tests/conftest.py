"""Fixtures for contracts: an accepted order of an eligible enterprise and its recorded contract."""

from voucher.testing.contracts import contract, order  # noqa: F401
from voucher.testing.orders import another_buyer, buyer, on_order_day, product, provider  # noqa: F401

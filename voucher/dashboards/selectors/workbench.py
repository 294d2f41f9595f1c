"""The headline figures shown on the admin workbench."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from voucher.dashboards.selectors.budget_figures import account_totals, approved_total
from voucher.programmes.models import ProgrammeYear

# --- headline (workbench) ----------------------------------------------------------------------------


@dataclass
class Headline:
    """The four headline figures of a year (two queries)."""

    programme: ProgrammeYear
    reserved: Decimal
    committed: Decimal
    approved: Decimal
    paid: Decimal
    accounts: int
    cap: Decimal


def headline(programme: ProgrammeYear) -> Headline:
    accounts = account_totals(programme)
    return Headline(
        programme=programme,
        reserved=accounts.reserved,
        committed=accounts.committed,
        approved=approved_total(programme),
        paid=accounts.paid,
        accounts=accounts.accounts,
        cap=accounts.cap,
    )

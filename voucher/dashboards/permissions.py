"""Who may see the dashboard (SPEC M4).

The Bureau (市经信局) only. The figures are programme-wide: budget use by district, provider rankings and
amounts of every enterprise and provider. Reviewers work claim by claim and see what they need in their
queue; the aggregated management figures are not theirs, so they are refused like every other role.
"""

from __future__ import annotations

from typing import Any

from voucher.core.permissions import Decision, can


def can_view_dashboard(user: Any) -> Decision:
    """Admins (市经信局) see every figure and export every table."""
    return can(user, "dashboards.view", "数据看板仅向市经信局开放。", "not_admin")

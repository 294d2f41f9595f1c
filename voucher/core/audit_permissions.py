"""Who may read the audit log (SPEC M3): the Bureau's administrators only.

The same function hides the navigation link and refuses pages, exports and API requests.
"""

from __future__ import annotations

from typing import Any

from voucher.core.permissions import Decision, can


def can_view_audit_log(user: Any) -> Decision:
    """Administrators (市经信局) browse, filter and export the audit log; nobody else sees it."""
    return can(user, "audit.view", "只有市经信局管理员可以查看审计日志。", "not_admin")

"""Who may read the audit log (SPEC M3): the Bureau's administrators only.

The same function hides the navigation link and refuses pages, exports and API requests.
"""

from __future__ import annotations

from typing import Any

from voucher.core.permissions import ALLOWED, Decision, deny
from voucher.core.roles import Role


def can_view_audit_log(user: Any) -> Decision:
    """Administrators (市经信局) browse, filter and export the audit log; nobody else sees it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return deny("请先登录。", "not_authenticated")
    if user.has_role(Role.ADMIN):
        return ALLOWED
    return deny("只有市经信局管理员可以查看审计日志。", "not_admin")

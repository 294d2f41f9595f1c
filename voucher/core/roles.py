"""Roles (SPEC §2) and what each may do: the one mapping every permission check reads.

The kernel names who acts, so every layer can check them without importing accounts
(``voucher.accounts.choices.Role`` is the same enum). A permission function asks
:func:`voucher.core.permissions.can` for a *capability*; which roles hold it is written only here, so a
new role, or a role gaining or losing a power, is one edit of :data:`CAPABILITIES`.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    PROVIDER = "provider", "服务商"
    REVIEWER = "reviewer", "评审机构"
    ADMIN = "admin", "市经信局"


_E, _P, _R, _A = Role.ENTERPRISE.value, Role.PROVIDER.value, Role.REVIEWER.value, Role.ADMIN.value

#: capability → the roles that hold it. Party capabilities (``*.act_as_…``) are further limited by the
#: permission functions to the user's own organisation (:func:`voucher.core.permissions.member_of`).
CAPABILITIES: dict[str, frozenset[str]] = {
    # a user acting for its own organisation as a party of a record
    "party.enterprise": frozenset({_E}),
    "party.provider": frozenset({_P}),
    # the Bureau and the review bodies read every party's orders, contracts, claims and enterprises
    "records.view_all": frozenset({_A, _R}),
    # accounts
    "accounts.manage": frozenset({_A}),
    "accounts.second_factor": frozenset({_R, _A}),
    # programmes
    "programmes.manage": frozenset({_A}),
    # enterprises (E1–E5)
    "enterprises.manage": frozenset({_A}),
    "enterprises.credit_check": frozenset({_A, _R}),
    "enterprises.move_any_quota": frozenset({_A, _P, _R}),
    # applications and their review (P, V1–V3)
    "applications.file": frozenset({_P}),
    "applications.review": frozenset({_R, _A}),
    "reviews.assignee": frozenset({_R}),
    "reviews.manage": frozenset({_A}),
    # catalogue (O1, V4)
    "catalogue.manage": frozenset({_A}),
    "catalogue.view_unlisted": frozenset({_A, _R}),
    # orders, contracts, claims (O, C, R1–R6)
    "orders.place": frozenset({_E}),
    "orders.work_list": frozenset({_E, _P, _A}),
    "claims.review": frozenset({_R, _A}),
    # payouts (R7)
    "payouts.manage": frozenset({_A}),
    "payouts.view_own": frozenset({_P, _E}),
    # oversight (M1, M2, M5)
    "enforcement.manage": frozenset({_A}),
    "enforcement.inspect": frozenset({_R, _A}),
    "enforcement.view_own": frozenset({_E, _P}),
    "enforcement.report_refund": frozenset({_P}),
    # management figures, the audit log, background work (M3, M4)
    "dashboards.view": frozenset({_A}),
    "audit.view": frozenset({_A}),
    "tasks.view_deliveries": frozenset({_A}),
    "tasks.manage_backups": frozenset({_A}),
    # the Bureau's administration as a whole (is_admin)
    "bureau.admin": frozenset({_A}),
}

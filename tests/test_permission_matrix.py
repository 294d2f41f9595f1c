"""Every page of the platform against every kind of visitor (ARCHITECTURE convention 9).

Each named URL outside the admin site and the API must have a row here, or be listed in the
``COVERED_PAGES`` of its app's own permission matrix; a new view with neither fails
:func:`test_every_page_is_in_a_matrix`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from voucher.applications.models import Application
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.tests.builders import application as application_row
from voucher.claims.tests import test_permissions as claims_matrix
from voucher.contracts.tests import test_permissions as contracts_matrix
from voucher.core import clock
from voucher.core.models import AuditEvent
from voucher.core.notifications import notify
from voucher.dashboards.tests import test_permissions as dashboards_matrix
from voucher.demo.codes import make_uscc
from voucher.enforcement.tests import test_permissions as enforcement_matrix
from voucher.enterprises.choices import CreditListKind
from voucher.enterprises.services import credit_list_entry_create, credit_list_import_preview
from voucher.enterprises.tests.test_e4_credit import CSV as CREDIT_CSV
from voucher.orders.services import order_place
from voucher.orders.tests.conftest import ORDER_DAY, make_eligible, make_product
from voucher.payouts.tests import test_permissions as payouts_matrix
from voucher.reviews.services import notice_publish, review_assign
from voucher.reviews.tests.conftest import NOTICE_START
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "login"  # redirected to the login page
ROLES = ["anonymous", "enterprise", "enterprise_other", "provider", "provider_other", "reviewer", "admin"]
# Namespaces that are not pages: the admin site, the JSON API (own matrices in each app's test_api.py).
NOT_PAGES = {"admin", "api", None}
# Apps whose own role matrix exercises some of their pages: each file lists them in COVERED_PAGES.
APP_MATRICES = [claims_matrix, contracts_matrix, dashboards_matrix, enforcement_matrix, payouts_matrix]
# Pages that no matrix requests yet as several kinds of visitor (anonymous reach is still checked by
# tests/test_public_surface.py). Shrink this set, never grow it: a new page needs a row or a test.
NOT_YET_COVERED = {
    "applications:upload", "applications:excel_import",
    "applications:dossier_upload", "applications:attachment_preview",
    "applications:attachment_download", "applications:attachment_delete",
    "claims:start", "claims:withdraw", "claims:waiver_file",
    "enforcement:clawback_evidence",
    "payouts:objection_resolve", "payouts:objection_file",
    "reviews:objection_resolve", "reviews:objection_file",
}  # fmt: skip


@dataclass
class Row:
    """Expected outcome per role: an HTTP status, or LOGIN for a redirect to the login page."""

    name: str
    expect: dict[str, int | str]
    method: str = "get"
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda ctx: {})
    data: dict[str, Any] = field(default_factory=dict)


def _everyone(status: int) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, status)


def _members(status: int) -> dict[str, int | str]:
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], status)}


def _only(role: str, status: int, others: int) -> dict[str, int | str]:
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], others), role: status}


def _parties(status: int, *, other: int, **overrides: int) -> dict[str, int | str]:
    """For an order: the two parties, outsiders of the same roles, and the Bureau's staff."""
    return {
        "anonymous": LOGIN,
        **dict.fromkeys(["enterprise", "provider", "reviewer", "admin"], status),
        "enterprise_other": other,
        "provider_other": other,
        **overrides,
    }


MATRIX: list[Row] = [
    Row("core:home", _everyone(200)),
    Row("core:healthz", _everyone(200)),
    Row("core:workbench", _members(200)),
    Row("core:inbox", _members(200)),
    Row("core:inbox_read_all", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 302)}, method="post"),
    # Only the recipient may open a notification; everyone else gets 404, not a hint that it exists.
    Row(
        "core:inbox_read",
        {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), "enterprise": 302},
        method="post",
        kwargs=lambda ctx: {"pk": ctx["enterprise_notification"].pk},
    ),
    # The audit log (SPEC M3) is for the Bureau's administrators only.
    Row("core:audit_list", _only("admin", 200, 403)),
    Row(
        "core:audit_detail",
        _only("admin", 200, 403),
        kwargs=lambda ctx: {"pk": AuditEvent.objects.order_by("id").values_list("id", flat=True).first()},
    ),
    Row("core:audit_export", _only("admin", 200, 403)),
    Row("accounts:login", {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}),
    Row("accounts:logout", _everyone(302), method="post"),
    Row("accounts:organisation", _members(200)),
    # Second factor: reviewers and admins only; nobody here has a device, so the code step passes through.
    Row("accounts:otp_verify", _members(302)),
    Row("accounts:otp", {**_only("reviewer", 200, 403), "admin": 200}),
    Row("accounts:otp_begin", {**_only("reviewer", 302, 403), "admin": 302}, method="post"),
    Row("accounts:otp_confirm", {**_only("reviewer", 422, 403), "admin": 422}, method="post"),
    Row("accounts:otp_recovery_codes", {**_only("reviewer", 302, 403), "admin": 302}),
    Row("accounts:otp_disable", {**_only("reviewer", 422, 403), "admin": 422}, method="post"),
    Row("accounts:otp_users", _only("admin", 200, 403)),
    Row(
        "accounts:otp_reset",
        _only("admin", 422, 403),
        method="post",
        kwargs=lambda ctx: {"user_id": ctx["reviewer"].pk},
    ),
    Row("programmes:detail", _everyone(200), kwargs=lambda ctx: {"year": 2025}),
    # The catalogue is public (O1); putting a product on sale is the Bureau's (V4).
    Row("catalogue:list", _everyone(200)),
    Row("catalogue:detail", _everyone(200), kwargs=lambda ctx: {"pk": ctx["product"].pk}),
    Row("catalogue:manage", _only("admin", 200, 403)),
    Row(
        "catalogue:on_sale",
        _only("admin", 302, 403),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["ready_product"].pk},
    ),
    # The enterprise's own steps (E1–E6): enterprises only; the wizard sends a finished one to its result.
    Row("enterprises:signup", {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}),
    Row("enterprises:wizard", {**_only("enterprise", 302, 403), "enterprise_other": 302}),
    *(
        Row(f"enterprises:{name}", {**_only("enterprise", 200, 403), "enterprise_other": 200})
        for name in ("authenticate", "classify", "result", "pledge", "quota")
    ),
    Row("enterprises:industries", _everyone(200)),
    Row("enterprises:list", {**_only("admin", 200, 403), "reviewer": 200}),
    # One enterprise's record: itself and the Bureau's staff; another enterprise is refused.
    *(
        Row(
            f"enterprises:{name}",
            {**_only("enterprise", 200, 403), "reviewer": 200, "admin": 200},
            kwargs=lambda ctx: {"pk": ctx["enterprise"].organisation_id},
        )
        for name in ("detail", "pledge_for")
    ),
    Row("enterprises:credit_list", _only("admin", 200, 403)),
    Row(
        "enterprises:credit_import",
        _only("admin", 200, 403),
        kwargs=lambda ctx: {"pk": ctx["credit_import"].pk},
    ),
    Row(
        "enterprises:credit_deactivate",
        _only("admin", 302, 403),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["credit_entry"].pk},
    ),
    # Providers' applications (P1–P9): the list is for providers and the Bureau's staff.
    Row(
        "applications:list",
        {**_only("provider", 200, 403), "provider_other": 200, "reviewer": 200, "admin": 200},
    ),
    Row(
        "applications:attachments",
        {**_only("provider", 200, 403), "provider_other": 200, "reviewer": 200, "admin": 200},
    ),
    Row("applications:create", {**_only("provider", 200, 403), "provider_other": 200}),
    Row("applications:dossier", {**_only("provider", 200, 403), "provider_other": 200}),
    # A submitted application: its provider and the Bureau's staff; another provider is refused.
    *(
        Row(
            f"applications:{name}",
            {**_only("provider", 200, 403), "reviewer": 200, "admin": 200},
            kwargs=lambda ctx: {"pk": ctx["application"].pk},
        )
        for name in ("detail", "excel_template", "differences")
    ),
    # Locked once submitted: whoever may read it is sent back to the detail page.
    Row(
        "applications:edit",
        {**_only("provider", 302, 403), "reviewer": 302, "admin": 302},
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
    ),
    # Already submitted: refused to everyone, the owner included.
    Row(
        "applications:submit",
        _only("provider", 403, 403),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
        data={"pledge": "on"},
    ),
    # Deciding is the reviewers' and the Bureau's, never the applicant's (V2).
    Row(
        "applications:decide",
        {**_only("reviewer", 302, 403), "admin": 302},
        method="post",
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
        data={"action": "approve"},
    ),
    # Reviews (R1–R3): the queue for reviewers, notices for the Bureau, the published notices for all.
    Row("reviews:queue", {**_only("reviewer", 200, 403), "admin": 200}),
    Row("reviews:notice_list", _only("admin", 200, 403)),
    Row("reviews:notice_create", _only("admin", 200, 403)),
    Row("reviews:public_notices", _everyone(200)),
    Row("reviews:public_notice", _everyone(200), kwargs=lambda ctx: {"pk": ctx["notice"].pk}),
    Row("reviews:notice_detail", _only("admin", 200, 403), kwargs=lambda ctx: {"pk": ctx["notice"].pk}),
    Row(
        "reviews:detail",
        {**_only("reviewer", 200, 403), "admin": 200},
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
    ),
    Row(
        "reviews:decide",
        {**_only("reviewer", 302, 403), "admin": 302},
        method="post",
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
        data={"action": "approve"},
    ),
    Row(
        "reviews:unassign",
        _only("admin", 302, 403),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["assignment"].pk},
    ),
    # Assigning reviewers and closing a notice are the Bureau's (no reviewer chosen: sent back with a message).
    Row(
        "reviews:assign",
        _only("admin", 302, 403),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
    ),
    Row(
        "reviews:notice_close",
        _only("admin", 302, 403),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["notice"].pk},
    ),
    # The decisions on an application are shown to its provider too, never to another provider.
    Row(
        "reviews:decisions",
        {**_only("provider", 200, 403), "reviewer": 200, "admin": 200},
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
    ),
    Row("orders:index", _members(200)),
    Row(
        "orders:new",
        {**_only("enterprise", 200, 403), "enterprise_other": 200},
        kwargs=lambda ctx: {"product_id": ctx["product"].pk},
    ),
    Row("orders:detail", _parties(200, other=404), kwargs=lambda ctx: {"number": ctx["order"].number}),
    # Only the product's provider decides; everyone else is refused, outsiders do not learn the order exists.
    Row(
        "orders:accept",
        _parties(403, other=404, provider=302),
        method="post",
        kwargs=lambda ctx: {"number": ctx["order"].number},
    ),
    Row(
        "orders:decline",
        _parties(403, other=404, provider=302),
        method="post",
        kwargs=lambda ctx: {"number": ctx["order"].number},
    ),
    Row(
        "orders:cancel",
        _parties(403, other=404, enterprise=302),
        method="post",
        kwargs=lambda ctx: {"number": ctx["order"].number},
    ),
]


def _named_patterns(resolver: URLResolver, namespace: str | None = None) -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            names |= _named_patterns(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace not in NOT_PAGES:
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_every_page_is_in_a_matrix():
    pages = _named_patterns(get_resolver())
    rows = {row.name for row in MATRIX}
    in_apps = set().union(*(module.COVERED_PAGES for module in APP_MATRICES))
    assert rows <= pages, f"rows for pages that do not exist: {sorted(rows - pages)}"
    assert in_apps <= pages, f"COVERED_PAGES names that do not exist: {sorted(in_apps - pages)}"
    missing = pages - rows - in_apps - NOT_YET_COVERED
    assert not missing, f"pages without a permission matrix test: {sorted(missing)}"
    done = NOT_YET_COVERED & (rows | in_apps)
    assert not done, f"covered now, take them out of NOT_YET_COVERED: {sorted(done)}"
    assert pages >= NOT_YET_COVERED, f"gone: {sorted(NOT_YET_COVERED - pages)}"


@pytest.fixture
def context(role_users, programme_2025) -> Iterator[dict[str, Any]]:
    with clock.frozen_at(ORDER_DAY):
        [note] = notify(
            recipients=[role_users["enterprise"]], kind="test", title="测试通知", url="/workbench/"
        )
        make_eligible(role_users["enterprise"], programme_2025)
        application = application_row(role_users["provider"], programme_2025)
        approved = application_row(role_users["provider"], programme_2025, status="approved")
        # The builder numbers rows from a counter shared by every test; keep them clear of make_product's.
        Application.objects.filter(pk=application.pk).update(sequence=901)
        Application.objects.filter(pk=approved.pk).update(sequence=902)
        assignment = review_assign(
            actor=role_users["admin"], application=application, reviewer=role_users["reviewer"]
        )
        credit_entry = credit_list_entry_create(
            actor=role_users["admin"],
            uscc=make_uscc(990001),
            name="北京失信测试有限公司",
            kind=CreditListKind.DISHONEST_DEBTOR,
            recorded_on=dt.date(2024, 5, 1),
        )
        credit_import = credit_list_import_preview(
            actor=role_users["admin"], file_name="名单.csv", content=CREDIT_CSV.encode()
        )
        with clock.frozen_at(NOTICE_START):
            notice = notice_publish(
                actor=role_users["admin"],
                programme=programme_2025,
                applications=[approved],
                starts_on=NOTICE_START,
            )
        other_enterprise = make_eligible(UserFactory(), programme_2025)
        product = make_product(programme_2025, provider=role_users["provider"])
        ready_product = make_product(
            programme_2025, provider=role_users["provider"], status=ProductStatus.READY
        )
        order = order_place(
            actor=role_users["enterprise"],
            product=product,
            idempotency_key="matrix-order-0001",
            contact_name="王经理",
            contact_mobile="13912345678",
        )
        yield {
            **role_users,
            "enterprise_other": other_enterprise,
            "provider_other": UserFactory(provider=True),
            "enterprise_notification": note,
            "product": product,
            "ready_product": ready_product,
            "application": application,
            "notice": notice,
            "assignment": assignment,
            "credit_entry": credit_entry,
            "credit_import": credit_import,
            "order": order,
        }


def _check(client: Client, context: dict[str, Any], row: Row, role: str) -> str | None:
    """Request the row's page as ``role``; a sentence describing the mismatch, or None."""
    user = context[role]
    if user is not None:
        client.force_login(user)
    response = getattr(client, row.method)(reverse(row.name, kwargs=row.kwargs(context)), row.data)
    expected = row.expect[role]
    if expected == LOGIN:
        if response.status_code == 302 and response.url.startswith(reverse("accounts:login")):
            return None
    elif response.status_code == expected:
        return None
    return f"{row.name} as {role}: expected {expected}, got {response.status_code}"


# Reading pages changes nothing, so one context serves every GET row and every visitor.
READS = [row for row in MATRIX if row.method == "get"]
WRITES = [row for row in MATRIX if row.method != "get"]


def test_permission_matrix_pages(context):
    mismatches = [
        problem
        for row in READS
        for role in ROLES
        if (problem := _check(Client(), context, row, role)) is not None
    ]
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("row", WRITES, ids=lambda r: r.name)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_actions(client, context, row: Row, role: str):
    """Each action on its own context: an allowed one changes the state the next visitor would meet."""
    assert _check(client, context, row, role) is None

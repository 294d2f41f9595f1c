"""Every page of the platform against every kind of visitor (ARCHITECTURE convention 9).

Each named URL outside the admin site and the API must have a row here; a new view without a
row fails :func:`test_every_page_is_in_the_matrix`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from voucher.core import clock
from voucher.core.models import AuditEvent
from voucher.core.notifications import notify
from voucher.orders.services import order_place
from voucher.orders.tests.conftest import ORDER_DAY, make_eligible, make_product
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "login"  # redirected to the login page
ROLES = ["anonymous", "enterprise", "enterprise_other", "provider", "provider_other", "reviewer", "admin"]
# Namespaces whose every page has a row below; the other apps keep their own role matrices, and
# test_anonymous_visitors_reach_only_public_pages covers every page of every app.
DETAILED = {"core", "accounts", "programmes", "orders"}
PAGE_NAMESPACES = {
    "core", "accounts", "programmes", "orders", "enterprises", "applications", "reviews", "catalogue", "contracts",
    "claims",
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
        elif isinstance(pattern, URLPattern) and pattern.name and namespace in PAGE_NAMESPACES:
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_every_page_is_in_the_matrix():
    assert {n for n in _named_patterns(get_resolver()) if n.split(":")[0] in DETAILED} == {
        row.name for row in MATRIX
    }


@pytest.fixture
def context(role_users, programme_2025) -> Iterator[dict[str, Any]]:
    with clock.frozen_at(ORDER_DAY):
        [note] = notify(
            recipients=[role_users["enterprise"]], kind="test", title="测试通知", url="/workbench/"
        )
        make_eligible(role_users["enterprise"], programme_2025)
        other_enterprise = make_eligible(UserFactory(), programme_2025)
        product = make_product(programme_2025, provider=role_users["provider"])
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
            "order": order,
        }


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: r.name)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, context, row: Row, role: str):
    user = context[role]
    if user is not None:
        client.force_login(user)
    url = reverse(row.name, kwargs=row.kwargs(context))
    response = getattr(client, row.method)(url, row.data)
    expected = row.expect[role]
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert response.url.startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected

"""Every page of the platform against every kind of visitor (ARCHITECTURE convention 9).

Each named URL outside the admin site and the API must have a row here; a new view without a
row fails :func:`test_every_page_is_in_the_matrix`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from voucher.core.notifications import notify

pytestmark = pytest.mark.django_db

LOGIN = "login"  # redirected to the login page
ROLES = ["anonymous", "enterprise", "provider", "reviewer", "admin"]
PAGE_NAMESPACES = {"core", "accounts", "programmes", "enterprises", "applications"}


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


MATRIX: list[Row] = [
    Row("core:home", _everyone(200)),
    Row("core:workbench", _members(200)),
    Row("core:inbox", _members(200)),
    Row("core:inbox_read_all", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 302)}, method="post"),
    # Only the recipient may open a notification; everyone else gets 404, not a hint that it exists.
    Row(
        "core:inbox_read",
        {"anonymous": LOGIN, "enterprise": 302, "provider": 404, "reviewer": 404, "admin": 404},
        method="post",
        kwargs=lambda ctx: {"pk": ctx["enterprise_notification"].pk},
    ),
    Row("accounts:login", {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}),
    Row("accounts:logout", _everyone(302), method="post"),
    Row("accounts:organisation", _members(200)),
    Row("programmes:detail", _everyone(200), kwargs=lambda ctx: {"year": 2025}),
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
    assert _named_patterns(get_resolver()) == {row.name for row in MATRIX}


@pytest.fixture
def context(role_users, programme_2025) -> dict[str, Any]:
    [note] = notify(recipients=[role_users["enterprise"]], kind="test", title="测试通知", url="/workbench/")
    return {**role_users, "enterprise_notification": note}


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

"""Query-count pins of the main list pages (issue 18): the number of queries does not grow with the rows.

Each page is requested with 2 rows of its kind and again with 10; the counts must be equal. A page that
starts reading each row's relations one by one (an N+1) fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from voucher.core import clock
from voucher.payouts.models import PayoutBatch
from voucher.testing import catalogue as catalogue_builders
from voucher.testing.payouts import ORDER_DAY, approved_claim, batch_of

pytestmark = pytest.mark.django_db

# (page, the role that reads it)
LIST_PAGES = [
    ("orders:index", "provider"),
    ("orders:index", "admin"),
    ("claims:index", "provider"),
    ("claims:queue", "admin"),
    ("catalogue:manage", "admin"),
    ("catalogue:list", "enterprise"),
    ("applications:list", "provider"),
    ("reviews:queue", "admin"),
    ("payouts:batches", "admin"),
    ("core:audit_list", "admin"),
]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


def _grow(to: int, *, programme: Any, provider: Any, admin: Any, made: list[Any]) -> None:
    """Up to ``to`` orders with approved claims (each in a payout batch of its own) and applications."""
    while len(made) < to:
        claim = approved_claim(programme, provider=provider)
        with clock.frozen_at(ORDER_DAY):
            batch_of(admin, programme, provider_id=provider.organisation_id)
        catalogue_builders.application(provider, programme, name=f"列表产品{len(made)}")
        made.append(claim)


def _queries(client: Client, page: str) -> tuple[int, str]:
    client.get(reverse(page))  # warms the per-process caches (current programme, user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(page))
    assert response.status_code == 200, page
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    return len(statements), response.content.decode()


def test_pages_list_query_counts_do_not_grow_with_rows(programme_2025, role_users, admin_user):
    provider = role_users["provider"]
    users = {"provider": provider, "admin": admin_user, "enterprise": role_users["enterprise"]}
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    made: list[Any] = []
    counts: dict[int, dict[tuple[str, str], int]] = {}
    pages: dict[int, dict[tuple[str, str], str]] = {}
    for rows in (2, 10):
        _grow(rows, programme=programme_2025, provider=provider, admin=admin_user, made=made)
        with clock.frozen_at(ORDER_DAY):
            measured = {(page, role): _queries(clients[role], page) for page, role in LIST_PAGES}
        counts[rows] = {key: n for key, (n, _html) in measured.items()}
        pages[rows] = {key: html for key, (_n, html) in measured.items()}
    # The rows are on the pages (the counts compare pages that list them).
    for key in [("orders:index", "provider"), ("claims:index", "provider"), ("orders:index", "admin")]:
        shown = [c.order.number for c in made if c.order.number in pages[10][key]]
        assert len(shown) == 10, key
    assert pages[10][("applications:list", "provider")].count("列表产品") >= 10
    batches = list(PayoutBatch.objects.values_list("number", flat=True))
    assert len(batches) == 10 and all(n in pages[10][("payouts:batches", "admin")] for n in batches)
    assert counts[2] == counts[10], {
        k: (counts[2][k], counts[10][k]) for k in counts[2] if counts[2][k] != counts[10][k]
    }

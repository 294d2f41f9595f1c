"""Permission matrix of every dashboard page and API operation (SPEC M4): the Bureau only.

Actors: anonymous, enterprise, provider, reviewer (refused: the figures are the Bureau's management
information), an admin of the Bureau and an admin account of another authority organisation (the
dashboard is programme-wide, so every admin sees it).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from voucher.core.navigation import nav_items
from voucher.core.workbench import build_workbench
from voucher.dashboards.permissions import can_view_dashboard
from voucher.testing.factories import UserFactory
from voucher.testing.matrix import APP_MATRIX_PAGES

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "enterprise", "provider", "reviewer", "admin", "other_admin"]
PAGE = {
    "anonymous": 302,
    "enterprise": 403,
    "provider": 403,
    "reviewer": 403,
    "admin": 200,
    "other_admin": 200,
}
API = {**PAGE, "anonymous": 401}

PAGES = [
    ("dashboards:index", {}),
    ("dashboards:export", {"table": "vouchers"}),
    ("dashboards:export", {"table": "budget_district"}),
]
# Pages test_m4_pages_matrix requests as every actor (listed in voucher/testing/matrix.py).
COVERED_PAGES = {name for name, _query in PAGES}
OPERATIONS = [
    "/api/v1/dashboard/budget",
    "/api/v1/dashboard/vouchers",
    "/api/v1/dashboard/claims",
    "/api/v1/dashboard/providers",
    "/api/v1/dashboard/export?table=claims_age",
]


@pytest.fixture
def people(role_users):
    return {**role_users, "other_admin": UserFactory(admin=True)}


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("name", "query"), PAGES)
def test_m4_pages_matrix(people, programme_2025, actor, name, query):
    response = client_for(people[actor]).get(reverse(name), {"year": 2025, **query})
    assert response.status_code == PAGE[actor]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("path", OPERATIONS)
def test_m4_api_matrix(people, programme_2025, actor, path):
    response = client_for(people[actor]).get(path)
    expected = API[actor]
    if expected == 200 and "/export" in path:
        expected = 202  # the export is queued as a background job
    assert response.status_code == expected
    if response.status_code == 403:
        assert response.json()["code"] == "not_admin"
        assert response.json()["message"] == "数据看板仅向市经信局开放。"


@pytest.mark.parametrize("actor", ACTORS)
def test_m4_card_and_nav_only_for_admins(people, programme_2025, actor):
    user = people[actor]
    if user is None:
        assert not can_view_dashboard(None)
        return
    allowed = PAGE[actor] == 200
    assert bool(can_view_dashboard(user)) is allowed
    assert any(label == "数据看板" for label, _url in nav_items(user)) is allowed
    assert any(card.title.startswith("数据看板") for card in build_workbench(user)) is allowed


def test_m4_inactive_admin_is_refused(admin_user):
    admin_user.is_active = False
    assert not can_view_dashboard(admin_user)


def test_the_matrix_requests_the_pages_listed_for_dashboards():
    assert APP_MATRIX_PAGES["dashboards"] == COVERED_PAGES

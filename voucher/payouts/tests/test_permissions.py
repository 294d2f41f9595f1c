"""Permission matrix for every payout page and API operation: anonymous / enterprise of a paid order /
other enterprise / provider of the batch's claims / other provider / reviewer / admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from voucher.accounts.models import User
from voucher.payouts import permissions
from voucher.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "enterprise", "other_enterprise", "provider", "other_provider", "reviewer", "admin"]


@pytest.fixture
def people(noticed, provider_a, reviewer_user, admin_user):
    item = noticed.items.filter(provider=provider_a.organisation).first()
    return {
        "anonymous": None,
        "enterprise": User.objects.filter(organisation_id=item.enterprise_id).first(),
        "other_enterprise": UserFactory(organisation=OrganisationFactory(enterprise=True)),
        "provider": provider_a,
        "other_provider": UserFactory(provider=True),
        "reviewer": reviewer_user,
        "admin": admin_user,
    }


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


ADMIN_ONLY = {a: 403 for a in ACTORS} | {"anonymous": 302, "admin": 200}
# On a batch under notice even the admin is refused these steps (the admin's path is in test_views).
ADMIN_ONLY_POST = {a: 403 for a in ACTORS} | {"anonymous": 302}
PAGES = {
    "batches": ("get", "payouts:batches", False, ADMIN_ONLY),
    "batch_new": ("get", "payouts:batch_new", False, ADMIN_ONLY),
    "batch_detail": ("get", "payouts:batch_detail", True, ADMIN_ONLY),
    # The tests stand after the notice period (today's clock), so the admin may approve.
    "approve": ("post", "payouts:batch_approve", True, ADMIN_ONLY_POST | {"admin": 302}),
    "export": ("post", "payouts:batch_export", True, ADMIN_ONLY_POST),
    "paid": ("post", "payouts:batch_paid", True, ADMIN_ONLY_POST),
    "cancel": ("post", "payouts:batch_cancel", True, ADMIN_ONLY_POST),
    "publish": ("post", "payouts:batch_publish", True, ADMIN_ONLY_POST),
    "index": (
        "get",
        "payouts:index",
        False,
        {a: 200 for a in ACTORS} | {"anonymous": 302, "reviewer": 403, "admin": 302},
    ),
    "payee": (
        "get",
        "payouts:payee",
        False,
        {a: 403 for a in ACTORS} | {"anonymous": 302, "provider": 200, "other_provider": 200},
    ),
    "public_batches": ("get", "payouts:public_batches", False, {a: 200 for a in ACTORS}),
    "public_batch": ("get", "payouts:public_batch", True, {a: 200 for a in ACTORS}),
}
# Steps on one item of a batch under notice: refused to everyone, the admin included.
ITEM_ACTIONS = ["payouts:item_remove", "payouts:item_paid"]
# Pages test_page_matrix and test_item_action_matrix request as every actor (read by
# tests/test_permission_matrix.py).
COVERED_PAGES = {name for _method, name, _with_pk, _expected in PAGES.values()} | set(ITEM_ACTIONS)


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("actor", ACTORS)
def test_page_matrix(people, noticed, page, actor):
    method, name, with_pk, expected = PAGES[page]
    url = reverse(name, args=[noticed.pk] if with_pk else [])
    response = getattr(client_for(people[actor]), method)(url)
    assert response.status_code == expected[actor], (page, actor)
    if expected[actor] == 302 and actor == "anonymous":
        assert "/login" in response["Location"]


@pytest.mark.parametrize("name", ITEM_ACTIONS)
@pytest.mark.parametrize("actor", ACTORS)
def test_item_action_matrix(people, noticed, name, actor):
    item = noticed.items.filter(provider=people["provider"].organisation).first()
    before = item.status
    response = client_for(people[actor]).post(reverse(name, args=[item.pk]))
    assert response.status_code == ADMIN_ONLY_POST[actor], (name, actor)
    if actor == "anonymous":
        assert "/login" in response["Location"]
    item.refresh_from_db()
    assert item.status == before


API = {
    "list": ("get", "/api/v1/payouts/batches", {a: 403 for a in ACTORS} | {"anonymous": 401, "admin": 200}),
    "detail": (
        "get",
        "/api/v1/payouts/batches/{pk}",
        {a: 403 for a in ACTORS} | {"anonymous": 401, "admin": 200},
    ),
    "approve": (
        "post",
        "/api/v1/payouts/batches/{pk}/approve",
        {a: 403 for a in ACTORS} | {"anonymous": 401, "admin": 200},  # the notice period is over
    ),
    "mine": (
        "get",
        "/api/v1/payouts/mine",
        {a: 200 for a in ACTORS} | {"anonymous": 401, "reviewer": 403, "admin": 403},
    ),
    "payee": (
        "get",
        "/api/v1/payouts/payee",
        {a: 403 for a in ACTORS} | {"anonymous": 401, "provider": 204, "other_provider": 204},
    ),
    "public": ("get", "/api/v1/payouts/public/batches/{pk}", {a: 200 for a in ACTORS}),
}


@pytest.mark.parametrize("op", list(API))
@pytest.mark.parametrize("actor", ACTORS)
def test_api_matrix(people, noticed, op, actor):
    method, path, expected = API[op]
    client = client_for(people[actor])
    kwargs = {"content_type": "application/json", "data": "{}"} if method == "post" else {}
    response = getattr(client, method)(path.format(pk=noticed.pk), **kwargs)
    assert response.status_code == expected[actor], (op, actor, response.content[:200])


def test_each_party_sees_only_its_own_payouts(people, noticed):
    def orders(actor):
        response = client_for(people[actor]).get("/api/v1/payouts/mine")
        return {row["order_number"] for row in response.json()}

    assert orders("provider") and orders("enterprise")
    assert orders("enterprise") <= orders("provider")
    assert orders("other_provider") == set() and orders("other_enterprise") == set()


def test_other_provider_cannot_edit_anothers_payee(people):
    assert not permissions.can_edit_payee(people["other_provider"], people["provider"].organisation)
    assert permissions.can_edit_payee(people["provider"], people["provider"].organisation)
    assert permissions.can_edit_payee(people["admin"], people["provider"].organisation)
    assert not permissions.can_edit_payee(None, people["provider"].organisation)

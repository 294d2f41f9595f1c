"""Permission matrix for every payout page and API operation: anonymous / enterprise of a paid order /
other enterprise / provider of the batch's claims / other provider / reviewer / admin."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from voucher.accounts.models import User
from voucher.applications.samples import tiny_pdf
from voucher.core import clock
from voucher.payouts import permissions, services
from voucher.payouts.choices import BatchStatus
from voucher.reviews.choices import ObjectionStatus
from voucher.testing.factories import OrganisationFactory, UserFactory
from voucher.testing.matrix import APP_MATRIX_PAGES
from voucher.testing.payouts import PUBLISH_DAY

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "enterprise", "other_enterprise", "provider", "other_provider", "reviewer", "admin"]


def people_of(batch, provider_a, reviewer_user, admin_user):
    item = batch.items.filter(provider=provider_a.organisation).first()
    return {
        "anonymous": None,
        "enterprise": User.objects.filter(organisation_id=item.enterprise_id).first(),
        "other_enterprise": UserFactory(organisation=OrganisationFactory(enterprise=True)),
        "provider": provider_a,
        "other_provider": UserFactory(provider=True),
        "reviewer": reviewer_user,
        "admin": admin_user,
    }


@pytest.fixture
def people(noticed, provider_a, reviewer_user, admin_user):
    return people_of(noticed, provider_a, reviewer_user, admin_user)


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
    "export_job": ("post", "tasks:payout_export_start", True, ADMIN_ONLY_POST),
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
# An objection to a batch under notice, and its evidence file: the Bureau's only.
OBJECTION_PAGES = ["payouts:objection_resolve", "payouts:objection_file"]
# Pages test_page_matrix, test_item_action_matrix and test_objection_matrix request as every actor (listed
# in voucher/testing/matrix.py).
COVERED_PAGES = (
    {name for _method, name, _with_pk, _expected in PAGES.values()} | set(ITEM_ACTIONS) | set(OBJECTION_PAGES)
)


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


@pytest.mark.parametrize("actor", ACTORS)
def test_publish_refuses_before_reading_the_form(draft, provider_a, reviewer_user, admin_user, actor):
    """A start date that is not a date: the Bureau is told so, everyone else is refused as for a valid one."""
    people = people_of(draft, provider_a, reviewer_user, admin_user)
    client = client_for(people[actor])
    with clock.frozen_at(PUBLISH_DAY):
        response = client.post(reverse("payouts:batch_publish", args=[draft.pk]), {"starts_on": "下周一"})
    assert response.status_code == (ADMIN_ONLY_POST | {"admin": 302})[actor]
    if actor == "admin":
        assert "公示开始日格式不正确" in client.get(response["Location"]).content.decode()
    draft.refresh_from_db()
    assert draft.status == BatchStatus.DRAFT


@pytest.fixture
def objection(noticed):
    """An open objection with a PDF, filed by a visitor during the notice period."""
    item = noticed.items.order_by("id").first()
    with clock.frozen_at(noticed.notice_starts_on):
        return services.payout_objection_file(
            actor=None,
            batch=noticed,
            item_ids=[item.pk],
            name="张三",
            contact="13900000000",
            text="服务未实际提供",
            file=SimpleUploadedFile("证明.pdf", tiny_pdf("proof"), content_type="application/pdf"),
        )


@pytest.mark.parametrize("actor", ACTORS)
def test_objection_matrix(people, objection, actor):
    client = client_for(people[actor])
    evidence = client.get(reverse("payouts:objection_file", args=[objection.pk]))
    assert evidence.status_code == ADMIN_ONLY[actor]
    if actor == "admin":
        assert evidence["Content-Type"] == "application/pdf"
        assert b"".join(evidence.streaming_content).startswith(b"%PDF-")
    prefix = f"o{objection.pk}"
    response = client.post(
        reverse("payouts:objection_resolve", args=[objection.pk]),
        {f"{prefix}-action": "dismiss", f"{prefix}-resolution": "经核实，服务已提供。"},
    )
    assert response.status_code == (ADMIN_ONLY_POST | {"admin": 302})[actor]
    if actor == "anonymous":
        assert "/login" in response["Location"] and "/login" in evidence["Location"]
    objection.refresh_from_db()
    assert objection.status == (ObjectionStatus.DISMISSED if actor == "admin" else ObjectionStatus.OPEN)


@pytest.mark.parametrize("actor", ACTORS)
def test_refused_visitors_get_the_same_answer_for_a_missing_object(people, noticed, objection, actor):
    """Every page about one batch, item or objection: the Bureau gets 404 for a number that does not exist,
    everyone else exactly the refusal the real one gave, so nobody can probe which numbers exist."""
    client = client_for(people[actor])
    item = noticed.items.order_by("id").first()
    pages = [(method, name, noticed.pk) for method, name, with_pk, _ in PAGES.values() if with_pk] + [
        ("post", name, item.pk) for name in ITEM_ACTIONS
    ]
    pages += [
        ("post", "payouts:objection_resolve", objection.pk),
        ("get", "payouts:objection_file", objection.pk),
    ]
    for method, name, pk in pages:
        missing = getattr(client, method)(reverse(name, args=[2_000_000_000])).status_code
        if actor == "admin" or name == "payouts:public_batch":
            assert missing == 404, (name, actor)
            continue
        real = getattr(client, method)(reverse(name, args=[pk])).status_code
        assert missing == real and real in {302, 403}, (name, actor, real, missing)
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN


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


def test_the_matrix_requests_the_pages_listed_for_payouts():
    assert APP_MATRIX_PAGES["payouts"] == COVERED_PAGES

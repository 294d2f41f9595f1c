"""The reviews API: permission matrix per endpoint, 422 for missing comments, the public objection endpoint."""

from __future__ import annotations

import pytest

from voucher.core.clock import frozen_at
from voucher.reviews import services
from voucher.reviews.models import Objection
from voucher.testing.reviews import AFTER_NOTICE, IN_NOTICE

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "enterprise", "owner", "other_provider", "reviewer", "same_org_reviewer", "admin"]
API = "/api/v1/reviews"


@pytest.fixture
def assigned(admin_user, reviewer_user, submitted):
    services.review_assign(actor=admin_user, application=submitted, reviewer=reviewer_user)
    return submitted


def _client(client, matrix_users, role):
    if matrix_users[role] is not None:
        client.force_login(matrix_users[role])
    return client


GETS = {
    "/queue": [401, 403, 403, 403, 200, 200, 200],
    "/applications/{a}": [401, 403, 403, 403, 200, 403, 200],
    # Another provider does not learn the application exists (404, as for a number that does not exist).
    "/applications/{a}/decisions": [401, 403, 200, 404, 200, 200, 200],
    "/notices": [401, 403, 403, 403, 403, 403, 200],
    "/notices/{n}/objections": [401, 403, 403, 403, 403, 403, 200],
    "/public/notices": [200] * 7,
    "/public/notices/{n}": [200] * 7,
}


@pytest.mark.parametrize("path", list(GETS))
@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix_reads(client, matrix_users, assigned, notice, path, role):
    url = API + path.format(a=assigned.pk, n=notice.pk)
    with frozen_at(IN_NOTICE):
        response = _client(client, matrix_users, role).get(url)
    assert response.status_code == GETS[path][ROLES.index(role)], response.content


DECIDE = [401, 403, 403, 403, 201, 403, 201]


@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix_decide(client, matrix_users, assigned, role):
    response = _client(client, matrix_users, role).post(
        f"{API}/applications/{assigned.pk}/decision", {"action": "approve"}, content_type="application/json"
    )
    assert response.status_code == DECIDE[ROLES.index(role)], response.content


ADMIN_ONLY = [401, 403, 403, 403, 403, 403, 201]


@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix_assign_and_publish(
    client, matrix_users, submitted, approved, second_reviewer, role
):
    c = _client(client, matrix_users, role)
    expected = ADMIN_ONLY[ROLES.index(role)]
    response = c.post(
        f"{API}/applications/{submitted.pk}/assignments",
        {"reviewer_id": second_reviewer.pk},
        content_type="application/json",
    )
    assert response.status_code == expected, response.content
    with frozen_at(IN_NOTICE):
        response = c.post(
            f"{API}/notices",
            {"application_ids": [approved.pk], "starts_on": IN_NOTICE.isoformat()},
            content_type="application/json",
        )
    assert response.status_code == expected, response.content


def test_api_v2_return_without_comment_is_422(client, reviewer_user, submitted):
    client.force_login(reviewer_user)
    response = client.post(
        f"{API}/applications/{submitted.pk}/decision", {"action": "return"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "comment" in response.json()["fields"]


def test_api_conflict_of_interest_is_403(client, same_org_reviewer, submitted):
    client.force_login(same_org_reviewer)
    response = client.post(
        f"{API}/applications/{submitted.pk}/decision", {"action": "approve"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "利益冲突" in response.json()["message"]


def test_api_review_detail_lists_checks_materials_and_decisions(client, admin_user, submitted):
    client.force_login(admin_user)
    body = client.get(f"{API}/applications/{submitted.pk}").json()
    assert body["can_decide"] is True
    assert body["checks"] == [] and body["materials"] == [] and body["decisions"] == []


def test_api_v3_objection_public_during_notice_only(client, notice, admin_user):
    product = notice.items.get().product
    data = {"product_id": product.pk, "name": "王五", "contact": "137", "text": "异议内容"}
    with frozen_at(IN_NOTICE):
        response = client.post(f"{API}/public/notices/{notice.pk}/objections", data)
    assert response.status_code == 201, response.content
    with frozen_at(AFTER_NOTICE):
        response = client.post(f"{API}/public/notices/{notice.pk}/objections", data)
    assert response.status_code == 403
    objection = Objection.objects.get()
    client.force_login(admin_user)
    response = client.post(
        f"{API}/objections/{objection.pk}/resolution",
        {"action": "uphold", "resolution": ""},
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.post(
        f"{API}/objections/{objection.pk}/resolution",
        {"action": "uphold", "resolution": "价格不实"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "upheld"
    with frozen_at(AFTER_NOTICE):
        closed = client.post(f"{API}/notices/{notice.pk}/close").json()
    assert closed["phase"] == "closed" and closed["products"][0]["status"] == "withdrawn"

"""Pages of the reviews app: the permission matrix for every page, and the flows through the forms."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from voucher.applications.samples import tiny_png
from voucher.catalogue.models import Product
from voucher.core.clock import frozen_at
from voucher.reviews import services
from voucher.reviews.models import Notice, Objection, ReviewAssignment, ReviewDecision
from voucher.testing.reviews import AFTER_NOTICE, IN_NOTICE, NOTICE_START

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "enterprise", "owner", "other_provider", "reviewer", "same_org_reviewer", "admin"]
LOGIN = "/accounts/login/"


def _client(client, matrix_users, role):
    user = matrix_users[role]
    if user is not None:
        client.force_login(user)
    return client


def _expect(response, expected):
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    else:
        assert response.status_code == expected, response.content[:300]


@pytest.fixture
def assigned(admin_user, reviewer_user, submitted):
    services.review_assign(actor=admin_user, application=submitted, reviewer=reviewer_user)
    return submitted


GET_MATRIX = {
    # page: anonymous, enterprise, owner, other provider, reviewer (assigned), same-org reviewer, admin
    "queue": ["login", 403, 403, 403, 200, 200, 200],
    "detail": ["login", 403, 403, 403, 200, 403, 200],
    "decisions": ["login", 403, 200, 404, 200, 200, 200],  # another provider does not find it
    "notice_list": ["login", 403, 403, 403, 403, 403, 200],
    "notice_create": ["login", 403, 403, 403, 403, 403, 200],
    "notice_detail": ["login", 403, 403, 403, 403, 403, 200],
    "public_notices": [200, 200, 200, 200, 200, 200, 200],
    "public_notice": [200, 200, 200, 200, 200, 200, 200],
}


def _url(name, application, notice):
    if name in {"detail", "decisions"}:
        return reverse(f"reviews:{name}", args=[application.pk])
    if name in {"notice_detail", "public_notice"}:
        return reverse(f"reviews:{name}", args=[notice.pk])
    return reverse(f"reviews:{name}")


@pytest.mark.parametrize("page", list(GET_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_pages(client, matrix_users, assigned, notice, page, role):
    expected = GET_MATRIX[page][ROLES.index(role)]
    with frozen_at(IN_NOTICE):
        response = _client(client, matrix_users, role).get(_url(page, assigned, notice))
    _expect(response, expected)


DECIDE = ["login", 403, 403, 403, 302, 403, 302]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_decide(client, matrix_users, assigned, role):
    expected = DECIDE[ROLES.index(role)]
    response = _client(client, matrix_users, role).post(
        reverse("reviews:decide", args=[assigned.pk]), {"action": "approve", "comment": ""}
    )
    _expect(response, expected)
    assigned.refresh_from_db()
    assert (assigned.status == "approved") == (expected == 302)


ASSIGN = ["login", 403, 403, 403, 403, 403, 302]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_assign(client, matrix_users, submitted, second_reviewer, role):
    expected = ASSIGN[ROLES.index(role)]
    response = _client(client, matrix_users, role).post(
        reverse("reviews:assign", args=[submitted.pk]), {"reviewer": second_reviewer.pk}
    )
    _expect(response, expected)
    assert ReviewAssignment.objects.filter(reviewer=second_reviewer).exists() == (expected == 302)


ADMIN_POSTS = ["login", 403, 403, 403, 403, 403, 302]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_objection_resolve_and_close(client, matrix_users, notice, role):
    with frozen_at(IN_NOTICE):
        objection = services.objection_file(
            actor=None,
            notice=notice,
            product=notice.items.get().product,
            name="王五",
            contact="137",
            text="异议",
        )
    expected = ADMIN_POSTS[ROLES.index(role)]
    c = _client(client, matrix_users, role)
    with frozen_at(AFTER_NOTICE):
        response = c.post(
            reverse("reviews:objection_resolve", args=[objection.pk]),
            {f"o{objection.pk}-action": "dismiss", f"o{objection.pk}-resolution": "经核实无误"},
        )
        _expect(response, expected)
        response = c.post(reverse("reviews:notice_close", args=[notice.pk]))
        _expect(response, expected)
    notice.refresh_from_db()
    assert (notice.closed_at is not None) == (expected == 302)


def test_v2_return_without_comment_shows_the_error_at_the_field(client, reviewer_user, submitted):
    client.force_login(reviewer_user)
    response = client.post(
        reverse("reviews:decide", args=[submitted.pk]), {"action": "return", "comment": ""}
    )
    assert response.status_code == 422
    assert "退回修改须填写修改意见" in response.content.decode()
    assert not ReviewDecision.objects.exists()


def test_v2_decisions_visible_to_the_provider(client, reviewer_user, provider_user, submitted):
    client.force_login(reviewer_user)
    client.post(
        reverse("reviews:decide", args=[submitted.pk]), {"action": "return", "comment": "请补充价格证明"}
    )
    client.force_login(provider_user)
    page = client.get(reverse("reviews:decisions", args=[submitted.pk])).content.decode()
    assert "请补充价格证明" in page and str(reviewer_user) in page


def test_detail_shows_overdue_deadline_and_checks(client, admin_user, submitted, programme_2025):
    client.force_login(admin_user)
    with frozen_at(programme_2025.review_deadline.replace(day=programme_2025.review_deadline.day + 1)):
        page = client.get(reverse("reviews:detail", args=[submitted.pk])).content.decode()
        queue = client.get(reverse("reviews:queue")).content.decode()
    assert "已超过期限" in page
    assert "已超过评审期限" in queue


def test_v3_flow_through_the_pages(client, admin_user, approved):
    client.force_login(admin_user)
    with frozen_at(NOTICE_START):
        response = client.post(
            reverse("reviews:notice_create"),
            {
                "starts_on": NOTICE_START.isoformat(),
                "ends_on": "",
                "title": "",
                "applications": [approved.pk],
            },
        )
    notice = Notice.objects.get()
    assert response.status_code == 302
    product = Product.objects.get(application=approved)
    client.logout()
    with frozen_at(IN_NOTICE):
        response = client.post(
            reverse("reviews:public_notice", args=[notice.pk]),
            {
                "product": product.pk,
                "name": "王五",
                "contact": "13700000000",
                "text": "价格偏高",
                "file": SimpleUploadedFile("截图.png", tiny_png()),
            },
        )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.file_name == "截图.png" and objection.filed_by is None
    with frozen_at(AFTER_NOTICE):
        response = client.post(
            reverse("reviews:public_notice", args=[notice.pk]),
            {"product": product.pk, "name": "赵六", "contact": "137", "text": "太晚了"},
        )
    assert response.status_code == 403
    assert Objection.objects.count() == 1
    client.force_login(admin_user)
    response = client.get(reverse("reviews:objection_file", args=[objection.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_v3_objection_form_errors_next_to_fields(client, notice):
    with frozen_at(IN_NOTICE):
        response = client.post(
            reverse("reviews:public_notice", args=[notice.pk]),
            {"product": notice.items.get().product.pk, "name": "", "contact": "137", "text": "x"},
        )
    assert response.status_code == 422
    assert "has-error" in response.content.decode()


def test_objection_file_only_for_admins(client, notice, reviewer_user):
    with frozen_at(IN_NOTICE):
        objection = services.objection_file(
            actor=None,
            notice=notice,
            product=notice.items.get().product,
            name="王五",
            contact="137",
            text="异议",
            file=SimpleUploadedFile("截图.png", tiny_png()),
        )
    client.force_login(reviewer_user)
    assert client.get(reverse("reviews:objection_file", args=[objection.pk])).status_code == 403

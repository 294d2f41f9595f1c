"""Permission matrix for every contract page and API endpoint: anonymous / ordering enterprise / other
enterprise / provider of the product / other provider / reviewer / admin."""

from __future__ import annotations

import pytest

from voucher.contracts import services
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "enterprise", "other_enterprise", "provider", "other_provider", "reviewer", "admin"]


@pytest.fixture
def actors(buyer, provider, reviewer_user, admin_user):
    return {
        "anonymous": None,
        "enterprise": buyer,
        "other_enterprise": UserFactory(),
        "provider": provider,
        "other_provider": UserFactory(provider=True),
        "reviewer": reviewer_user,
        "admin": admin_user,
    }


def _row(anon, ent, other_ent, prov, other_prov, rev, adm):
    return dict(zip(ACTORS, (anon, ent, other_ent, prov, other_prov, rev, adm), strict=True))


# Pages: 302 = sent to log in; 404 = outsiders learn nothing; 403 = a party without the right.
PAGES = [
    ("get", "/contracts/", _row(302, 200, 200, 200, 200, 200, 200)),
    ("get", "/contracts/{n}/", _row(302, 200, 404, 200, 404, 200, 200)),
    ("get", "/contracts/{n}/amend/", _row(302, 403, 404, 200, 404, 403, 403)),
    ("get", "/contracts/{n}/complete/", _row(302, 200, 404, 403, 404, 403, 403)),
    ("post", "/contracts/{n}/confirm/", _row(302, 302, 404, 403, 404, 403, 403)),
    ("get", "/contracts/{n}/annex/", _row(302, 200, 404, 200, 404, 200, 200)),
    ("get", "/contracts/{n}/annex.pdf", _row(302, 200, 404, 200, 404, 200, 200)),
    ("get", "/contracts/{n}/annex.docx", _row(302, 200, 404, 200, 404, 200, 200)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "url", "expected"), PAGES, ids=[p[1] for p in PAGES])
def test_contract_pages_permission_matrix(client, actors, contract, actor, method, url, expected):
    if actors[actor]:
        client.force_login(actors[actor])
    response = getattr(client, method)(url.format(n=contract.order.number))
    assert response.status_code == expected[actor]


RATED_PAGES = [
    ("get", "/contracts/{n}/rating/", _row(302, 200, 404, 403, 404, 403, 403)),
    ("post", "/contracts/{n}/rating/reply/", _row(302, 403, 404, 302, 404, 403, 403)),
    ("get", "/contracts/{n}/", _row(302, 200, 404, 200, 404, 200, 200)),
]


@pytest.fixture
def rated(contract, buyer):
    services.contract_confirm(actor=buyer, contract=contract)
    services.contract_complete(actor=buyer, contract=contract)
    services.rating_create(
        actor=buyer,
        contract=contract,
        scores={"quality": 5, "responsiveness": 5, "expertise": 5, "overall": 5},
    )
    return contract


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "url", "expected"), RATED_PAGES, ids=[p[1] for p in RATED_PAGES])
def test_rating_pages_permission_matrix(client, actors, rated, actor, method, url, expected):
    if actors[actor]:
        client.force_login(actors[actor])
    response = getattr(client, method)(
        url.format(n=rated.order.number), {"reply": "谢谢"} if method == "post" else None
    )
    assert response.status_code == expected[actor]


@pytest.mark.parametrize("actor", ACTORS)
def test_record_page_permission_matrix(client, actors, order, actor):
    expected = _row(302, 403, 404, 200, 404, 403, 403)
    if actors[actor]:
        client.force_login(actors[actor])
    assert client.get(f"/contracts/new/{order.number}/").status_code == expected[actor]


API = [
    ("get", "/api/v1/contracts/", _row(401, 200, 200, 200, 200, 200, 200)),
    ("get", "/api/v1/contracts/{n}", _row(401, 200, 404, 200, 404, 200, 200)),
    ("get", "/api/v1/contracts/orders/{n}/annex", _row(401, 200, 404, 200, 404, 200, 200)),
    (
        "get",
        "/api/v1/contracts/orders/{n}/quote?total_amount=100000&service_start=2025-07-01&service_end=2026-06-30",
        _row(401, 403, 404, 200, 404, 403, 403),
    ),
    ("post", "/api/v1/contracts/{n}/confirm", _row(401, 200, 404, 403, 404, 403, 403)),
    ("post", "/api/v1/contracts/{n}/rating", _row(401, 422, 404, 403, 404, 403, 403)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "url", "expected"), API, ids=[a[1][:40] for a in API])
def test_contract_api_permission_matrix(client, actors, contract, actor, method, url, expected):
    if actors[actor]:
        client.force_login(actors[actor])
    kwargs = {}
    if method == "post":
        kwargs = {
            "data": {"quality": 5, "responsiveness": 5, "expertise": 5, "overall": 5},
            "content_type": "application/json",
        }
    response = getattr(client, method)(url.format(n=contract.order.number), **kwargs)
    assert response.status_code == expected[actor], response.content


@pytest.mark.parametrize("actor", ACTORS)
def test_record_api_permission_matrix(client, actors, order, actor):
    expected = _row(401, 403, 404, 201, 404, 403, 403)
    if actors[actor]:
        client.force_login(actors[actor])
    payload = {
        "number": "HT-API-1",
        "total_amount": "100000.00",
        "signed_on": "2025-07-01",
        "service_start": "2025-07-01",
        "service_end": "2026-06-30",
        "deduction": "30000.00",
        "counterparty_uscc": order.enterprise.uscc,
    }
    response = client.post(
        f"/api/v1/contracts/orders/{order.number}", payload, content_type="application/json"
    )
    assert response.status_code == expected[actor], response.content


@pytest.mark.parametrize("actor", ACTORS)
def test_amend_api_permission_matrix(client, actors, contract, actor):
    expected = _row(401, 403, 404, 200, 404, 403, 403)
    if actors[actor]:
        client.force_login(actors[actor])
    payload = {
        "number": "HT-2025-001",
        "total_amount": "90000.00",
        "signed_on": "2025-07-01",
        "service_start": "2025-07-01",
        "service_end": "2026-06-30",
        "deduction": "27000.00",
        "reason": "金额调整",
    }
    response = client.post(
        f"/api/v1/contracts/{contract.order.number}/amend", payload, content_type="application/json"
    )
    assert response.status_code == expected[actor], response.content


@pytest.mark.parametrize("actor", ACTORS)
def test_product_ratings_are_public(client, actors, contract, actor):
    if actors[actor]:
        client.force_login(actors[actor])
    response = client.get(f"/api/v1/contracts/products/{contract.product_id}/ratings")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_services_refuse_what_the_pages_hide(contract, provider, buyer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.contract_confirm(actor=provider, contract=contract)
    with pytest.raises(PermissionDenied):
        services.contract_complete(actor=provider, contract=contract)
    with pytest.raises(PermissionDenied):
        services.rating_create(actor=provider, contract=contract, scores={})

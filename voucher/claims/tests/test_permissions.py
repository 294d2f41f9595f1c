"""Permission matrix for every claim page and API operation: anonymous / ordering enterprise / other
enterprise / provider of the order / other provider / reviewer / reviewer of the provider's organisation / admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from voucher.accounts.choices import Role
from voucher.claims import services
from voucher.claims.models import Claim
from voucher.testing.claims import pdf_file
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "enterprise",
    "other_enterprise",
    "provider",
    "other_provider",
    "reviewer",
    "insider",
    "admin",
]


@pytest.fixture
def people(buyer, provider, reviewer_user, admin_user, another_buyer):
    return {
        "anonymous": None,
        "enterprise": buyer,
        "other_enterprise": another_buyer,
        "provider": provider,
        "other_provider": UserFactory(provider=True),
        "reviewer": reviewer_user,
        "insider": UserFactory(role=Role.REVIEWER, organisation=provider.organisation),
        "admin": admin_user,
    }


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


# Expected status per actor for GET pages of a submitted claim.
VIEW = {
    "anonymous": 302,
    "enterprise": 200,
    "other_enterprise": 404,
    "provider": 200,
    "other_provider": 404,
    "reviewer": 200,
    "insider": 200,
    "admin": 200,
}


@pytest.mark.parametrize("who", ACTORS)
def test_detail_page_and_file_preview(submitted, people, who):
    client = client_for(people[who])
    number = submitted.order.number
    assert client.get(reverse("claims:detail", args=[number])).status_code == VIEW[who]
    material = submitted.materials.first()
    response = client.get(reverse("claims:preview", args=[material.pk]))
    assert response.status_code == VIEW[who]
    if VIEW[who] == 200:
        assert response["X-Frame-Options"] == "SAMEORIGIN"
    api = client.get(f"/api/v1/claims/{number}")
    assert api.status_code == {302: 401}.get(VIEW[who], VIEW[who])


@pytest.mark.parametrize("who", ACTORS)
def test_file_download_and_credit_check(submitted, people, who):
    client = client_for(people[who])
    material = submitted.materials.first()
    assert client.get(reverse("claims:download", args=[material.pk])).status_code == VIEW[who]
    # The credit check is the deciding reviewers': not the parties, not a reviewer of the provider's organisation.
    expected = {
        "anonymous": 302,
        "enterprise": 403,
        "other_enterprise": 404,
        "provider": 403,
        "other_provider": 404,
        "reviewer": 302,
        "insider": 403,
        "admin": 302,
    }[who]
    assert client.post(reverse("claims:credit", args=[submitted.order.number])).status_code == expected


@pytest.mark.parametrize("who", ACTORS)
def test_wizard_pages_only_for_the_provider(filled, people, who):
    client = client_for(people[who])
    number = filled.order.number
    expected = {"anonymous": 302, "provider": 200, "other_enterprise": 404, "other_provider": 404}.get(
        who, 403
    )
    for name in ("data", "materials", "checks", "confirm"):
        assert client.get(reverse(f"claims:{name}", args=[number])).status_code == expected, name
    api_expected = {"anonymous": 401, "provider": 202, "other_enterprise": 404, "other_provider": 404}.get(
        who, 403
    )
    assert client.post(f"/api/v1/claims/{number}/prechecks").status_code == api_expected


@pytest.mark.parametrize("who", ACTORS)
def test_decision_only_for_reviewers_without_conflict(submitted, people, who):
    client = client_for(people[who])
    number = submitted.order.number
    expected = {
        "anonymous": 302,
        "other_enterprise": 404,
        "other_provider": 404,
        "enterprise": 403,
        "provider": 403,
        "insider": 403,
        "reviewer": 302,
        "admin": 302,
    }[who]
    response = client.post(
        reverse("claims:decide", args=[number]), {"action": "approve", "payout": "30000.00"}
    )
    assert response.status_code == expected
    submitted.refresh_from_db()
    assert (submitted.status == "approved") == (expected == 302 and who != "anonymous")


@pytest.mark.parametrize("who", ACTORS)
def test_decision_api(submitted, people, who):
    client = client_for(people[who])
    response = client.post(
        f"/api/v1/claims/{submitted.order.number}/decision",
        {"action": "approve", "payout": "30000.00"},
        content_type="application/json",
    )
    expected = {
        "anonymous": 401,
        "other_enterprise": 404,
        "other_provider": 404,
        "enterprise": 403,
        "provider": 403,
        "insider": 403,
        "reviewer": 200,
        "admin": 200,
    }[who]
    assert response.status_code == expected


@pytest.mark.parametrize("who", ACTORS)
def test_queue_page_and_api(submitted, people, who):
    client = client_for(people[who])
    page = client.get(reverse("claims:queue"))
    api = client.get("/api/v1/claims/review/queue")
    allowed = who in {"reviewer", "insider", "admin"}
    assert page.status_code == (200 if allowed else 302 if who == "anonymous" else 403)
    assert api.status_code == (200 if allowed else 401 if who == "anonymous" else 403)
    if allowed:
        numbers = [c["order_number"] for c in api.json()]
        # A reviewer of the provider's organisation does not see the claim (conflict of interest).
        assert (submitted.order.number in numbers) == (who != "insider")


@pytest.mark.parametrize("who", ACTORS)
def test_start_and_waive_only_for_the_provider(contract, people, who, on_claim_day):
    client = client_for(people[who])
    number = contract.order.number
    expected_page = {
        "anonymous": 302,
        "provider": 200,
        "enterprise": 403,
        "reviewer": 403,
        "insider": 403,
        "admin": 403,
    }.get(who, 404)
    assert client.get(reverse("claims:waive", args=[number])).status_code == expected_page
    expected_api = {
        "anonymous": 401,
        "provider": 201,
        "enterprise": 403,
        "reviewer": 403,
        "insider": 403,
        "admin": 403,
    }.get(who, 404)
    assert client.post(f"/api/v1/claims/{number}/start").status_code == expected_api


@pytest.mark.parametrize("who", ACTORS)
def test_index_lists_only_visible_claims(submitted, people, who):
    client = client_for(people[who])
    response = client.get(reverse("claims:index"))
    if who == "anonymous":
        assert response.status_code == 302
        assert client.get("/api/v1/claims/").status_code == 401
        return
    assert response.status_code == 200
    sees = submitted.order.number in response.content.decode()
    assert sees == (VIEW[who] == 200)
    numbers = [c["order_number"] for c in client.get("/api/v1/claims/").json()]
    assert (submitted.order.number in numbers) == (VIEW[who] == 200)


# The provider's own steps on a contract or an unsubmitted claim: the enterprise and the Bureau's staff see
# the order but are refused; outsiders do not find it (404, as for an order that does not exist).
PROVIDER_STEP = {
    "anonymous": 302,
    "enterprise": 403,
    "other_enterprise": 404,
    "provider": 302,
    "other_provider": 404,
    "reviewer": 403,
    "insider": 403,
    "admin": 403,
}


@pytest.mark.parametrize("who", ACTORS)
def test_start_page_only_for_the_provider(contract, people, who, on_claim_day):
    response = client_for(people[who]).post(reverse("claims:start", args=[contract.order.number]))
    assert response.status_code == PROVIDER_STEP[who]
    if who == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    # Only the provider's request opens the claim; a refused one leaves the contract without a claim.
    assert Claim.objects.filter(contract=contract).exists() == (who == "provider")


@pytest.mark.parametrize("who", ACTORS)
def test_withdrawing_a_file_only_for_the_provider(filled, people, who):
    material = filled.materials.filter(superseded_at=None).order_by("id").first()
    current = set(filled.materials.filter(superseded_at=None).values_list("id", flat=True))
    client = client_for(people[who])
    response = client.post(reverse("claims:withdraw", args=[filled.order.number, material.pk]))
    assert response.status_code == PROVIDER_STEP[who]
    if who == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    left = set(filled.materials.filter(superseded_at=None).values_list("id", flat=True))
    assert left == (current - {material.pk} if who == "provider" else current)


@pytest.mark.parametrize("who", ACTORS)
def test_waiver_file_for_whoever_sees_the_claim(contract, people, who, on_claim_day, provider):
    waived = services.claim_waive(
        actor=provider, contract=contract, statement="自愿放弃", file=pdf_file("声明.pdf")
    )
    response = client_for(people[who]).get(reverse("claims:waiver_file", args=[waived.order.number]))
    assert response.status_code == VIEW[who]
    if VIEW[who] == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")

"""Permission matrix for every oversight page and API read: anonymous / the sanctioned enterprise / another
enterprise / the claim's provider / another provider / reviewer / admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from voucher.core import clock
from voucher.enforcement import services
from voucher.enforcement.models import Clawback
from voucher.testing.enforcement import DAY
from voucher.testing.factories import UserFactory
from voucher.testing.matrix import APP_MATRIX_PAGES

ACTORS = ["anonymous", "enterprise", "other_enterprise", "provider", "other_provider", "reviewer", "admin"]


@pytest.fixture
def world(claim, provider, reviewer_user, admin_user, enterprise):
    with clock.frozen_at(DAY):
        case = services.sanction_record(
            actor=admin_user, kind="transfer", facts="倒卖服务券", enterprise=claim.enterprise, claims=[claim]
        )
        check = services.spot_check_draw(
            actor=admin_user, programme=claim.programme, target="orders", size=1, seed="s"
        )
    return {
        "people": {
            "anonymous": None,
            "enterprise": enterprise,
            "other_enterprise": UserFactory(),
            "provider": provider,
            "other_provider": UserFactory(provider=True),
            "reviewer": reviewer_user,
            "admin": admin_user,
        },
        "case": case,
        "sanction": case.sanctions.get(),
        "clawback": Clawback.objects.get(claim=claim),
        "check": check,
        "claim": claim,
    }


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


ADMIN_ONLY = {"anonymous": 302, **{a: 403 for a in ACTORS[1:-1]}, "admin": 200}
PAGES = {
    "enforcement:index": (
        lambda w: [],
        {
            "anonymous": 302,
            "enterprise": 302,
            "other_enterprise": 302,
            "provider": 302,
            "other_provider": 302,
            "reviewer": 302,
            "admin": 200,
        },
    ),
    "enforcement:records": (
        lambda w: [],
        {
            "anonymous": 302,
            "enterprise": 200,
            "other_enterprise": 200,
            "provider": 200,
            "other_provider": 200,
            "reviewer": 403,
            "admin": 403,
        },
    ),
    "enforcement:sanctions": (lambda w: [], ADMIN_ONLY),
    "enforcement:sanction_new": (lambda w: [], ADMIN_ONLY),
    "enforcement:case": (lambda w: [w["case"].pk], ADMIN_ONLY),
    "enforcement:sanction": (
        lambda w: [w["sanction"].pk],
        {
            "anonymous": 302,
            "enterprise": 200,
            "other_enterprise": 404,
            "provider": 404,
            "other_provider": 404,
            "reviewer": 404,
            "admin": 200,
        },
    ),
    "enforcement:clawbacks": (
        lambda w: [],
        {
            "anonymous": 302,
            "enterprise": 403,
            "other_enterprise": 403,
            "provider": 200,
            "other_provider": 200,
            "reviewer": 403,
            "admin": 200,
        },
    ),
    "enforcement:clawback_new": (lambda w: [], ADMIN_ONLY),
    "enforcement:clawback": (
        lambda w: [w["clawback"].pk],
        {
            "anonymous": 302,
            "enterprise": 200,
            "other_enterprise": 404,
            "provider": 200,
            "other_provider": 404,
            "reviewer": 404,
            "admin": 200,
        },
    ),
    "enforcement:clawback_report": (
        lambda w: [w["claim"].pk],
        {
            "anonymous": 302,
            "enterprise": 403,
            "other_enterprise": 403,
            "provider": 200,
            "other_provider": 404,
            "reviewer": 403,
            "admin": 403,
        },
    ),
    "enforcement:spot_checks": (
        lambda w: [],
        {
            "anonymous": 302,
            "enterprise": 403,
            "other_enterprise": 403,
            "provider": 403,
            "other_provider": 403,
            "reviewer": 200,
            "admin": 200,
        },
    ),
    "enforcement:spot_check_new": (lambda w: [], ADMIN_ONLY),
    "enforcement:spot_check": (
        lambda w: [w["check"].pk],
        {"anonymous": 302, **{a: 404 for a in ACTORS[1:-1]}, "admin": 200},
    ),
}


def test_page_matrix(world):
    """Every page × every actor (one world built for all, the approved claim is costly to build)."""
    for name, (args_for, expected) in sorted(PAGES.items()):
        for actor in ACTORS:
            with clock.frozen_at(DAY):
                response = client_for(world["people"][actor]).get(reverse(name, args=args_for(world)))
            assert response.status_code == expected[actor], (name, actor)
            if actor == "anonymous":
                assert "/accounts/login/" in response["Location"]


POSTS = {
    "enforcement:sanction_lift": lambda w: [w["sanction"].pk],
    "enforcement:product_resume": lambda w: [w["claim"].order.product_id],
    "enforcement:clawback_repay": lambda w: [w["clawback"].pk],
    "enforcement:clawback_waive": lambda w: [w["clawback"].pk],
    "enforcement:spot_check_verify": lambda w: [w["check"].pk],
    "enforcement:spot_check_assign": lambda w: [w["check"].pk],
    "enforcement:spot_check_finding": lambda w: [w["check"].items.first().pk],
}
# Pages test_page_matrix, test_post_actions_refused_to_non_admins and test_clawback_evidence_matrix
# request as several actors (listed in voucher/testing/matrix.py).
COVERED_PAGES = set(PAGES) | set(POSTS) | {"enforcement:clawback_evidence"}


def test_post_actions_refused_to_non_admins(world):
    for name, args_for in sorted(POSTS.items()):
        for actor in ["anonymous", "enterprise", "provider", "other_provider", "reviewer"]:
            response = client_for(world["people"][actor]).post(
                reverse(name, args=args_for(world)), {"reason": "x"}
            )
            assert response.status_code in ({302} if actor == "anonymous" else {403, 404}), (name, actor)
            if actor == "anonymous":
                assert "/accounts/login/" in response["Location"]
    world["sanction"].refresh_from_db()
    assert world["sanction"].lifted_at is None
    assert not world["clawback"].repayments.exists()


def test_every_oversight_page_is_covered():
    resolver = get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if getattr(pattern, "namespace", None) == "enforcement":
            names |= {f"enforcement:{p.name}" for p in pattern.url_patterns if isinstance(p, URLPattern)}
    assert names == COVERED_PAGES


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.mark.usefixtures("media_root")
def test_clawback_evidence_matrix(claim, provider, reviewer_user, admin_user, enterprise):
    """The file a provider reported a refund with: the clawback's two parties and the Bureau; anyone else
    does not find it (404, as for a clawback that does not exist)."""
    with clock.frozen_at(DAY):
        clawback = services.clawback_report(
            actor=provider,
            claim=claim,
            reason_kind="partial_refund",
            amount="12000.00",
            reason="企业申请部分退款",
            file=SimpleUploadedFile("退款.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf"),
        )
    people = {
        "anonymous": None,
        "enterprise": enterprise,
        "other_enterprise": UserFactory(),
        "provider": provider,
        "other_provider": UserFactory(provider=True),
        "reviewer": reviewer_user,
        "admin": admin_user,
    }
    expected = PAGES["enforcement:clawback"][1]
    for actor in ACTORS:
        with clock.frozen_at(DAY):
            response = client_for(people[actor]).get(
                reverse("enforcement:clawback_evidence", args=[clawback.pk])
            )
            missing = client_for(people[actor]).get(
                reverse("enforcement:clawback_evidence", args=[2_000_000_000])
            )
        assert response.status_code == expected[actor], actor
        assert missing.status_code == (302 if actor == "anonymous" else 404), actor
        if expected[actor] == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment")
            assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF"
        if actor == "anonymous":
            assert "/accounts/login/" in response["Location"]


API = {
    "/api/v1/oversight/sanctions": {
        "anonymous": 401,
        "enterprise": 200,
        "other_enterprise": 200,
        "provider": 200,
        "other_provider": 200,
        "reviewer": 403,
        "admin": 200,
    },
    "/api/v1/oversight/clawbacks/{clawback}": {
        "anonymous": 401,
        "enterprise": 200,
        "other_enterprise": 404,
        "provider": 200,
        "other_provider": 404,
        "reviewer": 404,
        "admin": 200,
    },
    "/api/v1/oversight/sanctions/{sanction}": {
        "anonymous": 401,
        "enterprise": 200,
        "other_enterprise": 404,
        "provider": 404,
        "other_provider": 404,
        "reviewer": 404,
        "admin": 200,
    },
    "/api/v1/oversight/cases/{case}": {
        "anonymous": 401,
        **{a: 403 for a in ACTORS[1:-1]},
        "admin": 200,
    },
    "/api/v1/oversight/spot-checks/{check}": {
        "anonymous": 401,
        **{a: 404 for a in ACTORS[1:-1]},
        "admin": 200,
    },
    "/api/v1/oversight/spot-checks/{check}/verify": {
        "anonymous": 401,
        **{a: 404 for a in ACTORS[1:-1]},
        "admin": 200,
    },
}


def test_api_matrix(world):
    for path, expected in sorted(API.items()):
        url = path.format(
            clawback=world["clawback"].pk,
            sanction=world["sanction"].pk,
            case=world["case"].pk,
            check=world["check"].pk,
        )
        for actor in ACTORS:
            with clock.frozen_at(DAY):
                response = client_for(world["people"][actor]).get(url)
            assert response.status_code == expected[actor], (path, actor, response.content[:200])
            if response.status_code >= 400:
                assert {"code", "message", "fields"} <= set(response.json())


def test_api_lists_are_filtered_by_organisation(world):
    with clock.frozen_at(DAY):
        own = client_for(world["people"]["enterprise"]).get("/api/v1/oversight/sanctions").json()
        other = client_for(world["people"]["other_enterprise"]).get("/api/v1/oversight/sanctions").json()
        theirs = client_for(world["people"]["other_provider"]).get("/api/v1/oversight/clawbacks").json()
    assert [s["id"] for s in own] == [world["sanction"].pk] and own[0]["in_force"] is True
    assert other == [] and theirs == []


def test_the_matrix_requests_the_pages_listed_for_enforcement():
    assert APP_MATRIX_PAGES["enforcement"] == COVERED_PAGES

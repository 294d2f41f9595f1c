"""Capabilities: every role check reads the one mapping in ``core.roles`` (issue 21).

A role's powers are written once (capability → roles); ``can()`` answers with the standard refusal for
anyone not logged in with an active account; the rules are enforced in the services, so a direct call
is refused as the page and the API are.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from voucher.accounts.choices import Role
from voucher.claims import services as claim_services
from voucher.claims.models import Claim
from voucher.core import roles
from voucher.core.permissions import (
    NOT_AUTHENTICATED,
    Refused,
    acts_for,
    can,
    has_any_capability,
    has_capability,
    is_admin,
    logged_in,
    member_of,
    roles_with,
)
from voucher.dashboards.permissions import can_view_dashboard
from voucher.enforcement.permissions import can_view_spot_checks
from voucher.testing.claims import claim, contract, filled, on_claim_day, submitted  # noqa: F401
from voucher.testing.contracts import order  # noqa: F401
from voucher.testing.factories import UserFactory
from voucher.testing.orders import another_buyer, buyer, on_order_day, product, provider  # noqa: F401

VOUCHER = Path(__file__).resolve().parents[2]


def test_kernel_capability_every_capability_maps_to_existing_roles():
    known = set(Role.values)
    assert roles.CAPABILITIES
    for capability, holders in roles.CAPABILITIES.items():
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", capability), capability
        assert holders, f"{capability} is held by no role"
        assert set(holders) <= known, f"{capability}: unknown roles {set(holders) - known}"


def test_kernel_capability_every_role_has_at_least_one_capability():
    held = set().union(*roles.CAPABILITIES.values())
    assert set(Role.values) <= held, f"roles without any capability: {set(Role.values) - held}"


def test_kernel_capability_accounts_role_is_the_kernel_role():
    assert Role is roles.Role


def test_kernel_capability_an_unknown_capability_fails_loudly():
    with pytest.raises(KeyError):
        roles_with("claims.decidee")


@pytest.mark.django_db
@pytest.mark.parametrize("capability", sorted(roles.CAPABILITIES))
def test_kernel_capability_can_refuses_anonymous_and_inactive_with_the_standard_code(capability):
    holder = UserFactory(role=next(iter(roles.CAPABILITIES[capability])))
    inactive = UserFactory(role=holder.role, is_active=False)
    assert can(holder, capability)
    for nobody in (None, AnonymousUser(), inactive):
        decision = can(nobody, capability)
        assert not decision and decision.code == NOT_AUTHENTICATED and decision.reason
        assert not has_capability(nobody, capability)
        assert not logged_in(nobody)


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_kernel_capability_can_answers_exactly_the_mapping(role):
    user = UserFactory(role=role)
    for capability, holders in roles.CAPABILITIES.items():
        assert bool(can(user, capability)) == (role in holders), (role, capability)
        assert has_capability(user, capability) == (role in holders)


@pytest.mark.django_db
def test_kernel_capability_refusal_names_the_roles_and_keeps_the_callers_code():
    enterprise = UserFactory()
    decision = can(enterprise, "claims.review")
    assert not decision and decision.code == "forbidden"
    assert "评审机构" in decision.reason and "市经信局" in decision.reason
    custom = can(enterprise, "dashboards.view", "数据看板仅向市经信局开放。", "not_admin")
    assert (custom.reason, custom.code) == ("数据看板仅向市经信局开放。", "not_admin")
    refused = is_admin(enterprise)
    assert not refused and refused.code == "not_admin"
    assert is_admin(UserFactory(admin=True))


@pytest.mark.django_db
def test_kernel_capability_a_changed_mapping_changes_the_decision(monkeypatch):
    reviewer = UserFactory(reviewer=True)
    enterprise = UserFactory()
    assert not can_view_dashboard(reviewer)
    assert can_view_spot_checks(reviewer)
    monkeypatch.setitem(roles.CAPABILITIES, "dashboards.view", frozenset({Role.ADMIN, Role.REVIEWER}))
    monkeypatch.setitem(roles.CAPABILITIES, "enforcement.inspect", frozenset({Role.ADMIN}))
    assert can_view_dashboard(reviewer)
    assert not can_view_spot_checks(reviewer)
    assert not can_view_dashboard(enterprise)
    monkeypatch.setitem(roles.CAPABILITIES, "dashboards.view", frozenset({Role.ENTERPRISE}))
    assert can_view_dashboard(enterprise) and not can_view_dashboard(reviewer)


@pytest.mark.django_db
def test_kernel_capability_membership_is_the_users_own_organisation():
    user = UserFactory(provider=True)
    assert member_of(user, user.organisation_id)
    assert not member_of(user, user.organisation_id + 1000)
    assert not member_of(UserFactory(organisation=None), None)
    assert acts_for(user, "party.provider", user.organisation_id)
    assert not acts_for(user, "party.enterprise", user.organisation_id)
    assert not acts_for(AnonymousUser(), "party.provider", user.organisation_id)
    assert has_any_capability(user, "claims.review", "party.provider")
    assert not has_any_capability(user, "claims.review", "party.enterprise")


# --- the conflict-of-interest rule, enforced in the claim service -------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.mark.django_db
@pytest.mark.parametrize("party", ["provider", "enterprise"])
def test_kernel_capability_conflict_of_interest_refused_in_the_claim_service(submitted, party):  # noqa: F811
    organisation = submitted.provider if party == "provider" else submitted.enterprise
    insider = UserFactory(role=Role.REVIEWER, organisation=organisation)
    with pytest.raises(Refused) as refused:
        claim_services.claim_credit_check(actor=insider, claim=submitted)
    assert refused.value.code == "conflict_of_interest"
    assert Claim.objects.get(pk=submitted.pk).credit_check_id is None
    outsider = UserFactory(reviewer=True)
    record = claim_services.claim_credit_check(actor=outsider, claim=submitted)
    assert Claim.objects.get(pk=submitted.pk).credit_check_id == record.pk


# --- one place: no role checks and no helper copies left in the permission modules --------------------

ROLE_CHECK = re.compile(r"\bRole\.[A-Z]")


@pytest.mark.parametrize("name", ["permissions.py", "cards.py", "audit_permissions.py"])
def test_kernel_capability_permission_modules_ask_capabilities_not_roles(name):
    offenders = [
        str(path.relative_to(VOUCHER))
        for path in VOUCHER.glob(f"*/{name}")
        if ROLE_CHECK.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("helper", ["_logged_in", "is_admin", "errors_to_form", "active_members"])
def test_kernel_capability_shared_helpers_are_defined_once(helper):
    pattern = re.compile(rf"^def {helper}\(", re.M)
    defined = [
        str(path.relative_to(VOUCHER))
        for path in VOUCHER.rglob("*.py")
        if "tests" not in path.parts and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert len(defined) <= 1, defined


#: files that name roles only to assign them (user creation and its checks), not to check them
ASSIGNS_ROLES = {"accounts/services.py", "enterprises/services/authentication.py"}


def _layer_modules() -> list[Path]:
    """Every services, selectors and views module of an app (single modules and packages)."""
    found: list[Path] = []
    for name in ("services", "selectors", "views"):
        found += VOUCHER.glob(f"*/{name}.py")
        found += VOUCHER.glob(f"*/{name}/*.py")
    return sorted(found)


def test_kernel_capability_services_selectors_and_views_ask_capabilities_not_roles():
    modules = _layer_modules()
    assert any(p.relative_to(VOUCHER).as_posix() == "payouts/services.py" for p in modules) or any(
        p.relative_to(VOUCHER).as_posix().startswith("payouts/services/") for p in modules
    )
    offenders = [
        path.relative_to(VOUCHER).as_posix()
        for path in modules
        if path.relative_to(VOUCHER).as_posix() not in ASSIGNS_ROLES
        and ROLE_CHECK.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("helper", ["refuse", "_members", "_errors_to_form"])
def test_kernel_capability_refusal_and_membership_helpers_are_not_copied(helper):
    pattern = re.compile(rf"^def {helper}\(", re.M)
    copies = [
        path.relative_to(VOUCHER).as_posix()
        for path in VOUCHER.rglob("*.py")
        if "tests" not in path.parts
        and path.relative_to(VOUCHER).as_posix() != "core/errors.py"
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert copies == []

"""Who may manage a second factor: anonymous / wrong role / another organisation / the person themself."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from voucher.accounts.permissions import can_manage_second_factor, can_reset_second_factor
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("anonymous", False), ("enterprise", False), ("provider", False), ("reviewer", True), ("admin", True)],
)
def test_own_second_factor_is_for_reviewers_and_admins(role_users, who, allowed):
    user = role_users[who] or AnonymousUser()
    decision = can_manage_second_factor(user)
    assert decision.allowed is allowed
    if not allowed:
        assert decision.reason


def test_an_inactive_reviewer_cannot_manage_it(reviewer_user):
    reviewer_user.is_active = False
    assert not can_manage_second_factor(reviewer_user)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("enterprise", False),
        ("provider", False),
        ("reviewer", False),
        ("reviewer_same_body", False),
        ("admin", True),
        ("admin_other", True),
    ],
)
def test_only_admins_reset_someone_elses_second_factor(role_users, who, allowed):
    target = role_users["reviewer"]
    actors = {
        **role_users,
        "anonymous": AnonymousUser(),
        "reviewer_same_body": UserFactory(reviewer=True, organisation=target.organisation),
        "admin_other": UserFactory(admin=True),
    }
    assert can_reset_second_factor(actors[who], target).allowed is allowed


def test_an_admin_does_not_reset_their_own(admin_user):
    decision = can_reset_second_factor(admin_user, admin_user)
    assert not decision and "关闭" in decision.reason

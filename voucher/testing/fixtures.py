"""pytest fixtures shared by every app (loaded from the root conftest)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from voucher.accounts.signals import ADMIN_GROUP, sync_admin_group
from voucher.programmes.models import ProgrammeYear
from voucher.testing.factories import UserFactory


@pytest.fixture
def programme_2025(db) -> ProgrammeYear:
    """The 2025 year as seeded from the guide by the data migration."""
    return ProgrammeYear.objects.get(year=2025)


@pytest.fixture
def enterprise_user(db):
    return UserFactory()


@pytest.fixture
def provider_user(db):
    return UserFactory(provider=True)


@pytest.fixture
def reviewer_user(db):
    return UserFactory(reviewer=True)


@pytest.fixture
def admin_user(db):
    user = UserFactory(admin=True)
    sync_admin_group()
    user.groups.add(Group.objects.get(name=ADMIN_GROUP))  # type: ignore[attr-defined]
    return user


@pytest.fixture
def role_users(enterprise_user, provider_user, reviewer_user, admin_user) -> dict:
    """One user per role, keyed by role name, plus ``None`` for the anonymous visitor."""
    return {
        "anonymous": None,
        "enterprise": enterprise_user,
        "provider": provider_user,
        "reviewer": reviewer_user,
        "admin": admin_user,
    }

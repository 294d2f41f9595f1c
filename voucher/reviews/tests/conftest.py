"""Fixtures for the review tests: the roles of the permission matrix and applications in each state."""

from __future__ import annotations

from typing import Any

import pytest

from voucher.accounts.choices import Role
from voucher.core.clock import frozen_at
from voucher.reviews import services
from voucher.testing import catalogue as builders
from voucher.testing.factories import UserFactory
from voucher.testing.reviews import NOTICE_START


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def other_provider(db: Any) -> Any:
    return UserFactory(provider=True)


@pytest.fixture
def same_org_reviewer(provider_user: Any) -> Any:
    """A reviewer account of the applicant's own organisation (conflict of interest)."""
    return UserFactory(role=Role.REVIEWER, organisation=provider_user.organisation)


@pytest.fixture
def second_reviewer(db: Any) -> Any:
    return UserFactory(reviewer=True)


@pytest.fixture
def submitted(provider_user: Any, programme_2025: Any) -> Any:
    return builders.application(provider_user, programme_2025)


@pytest.fixture
def approved(provider_user: Any, programme_2025: Any) -> Any:
    return builders.application(provider_user, programme_2025, status="approved", name="京韵外观设计服务")


@pytest.fixture
def notice(admin_user: Any, programme_2025: Any, approved: Any) -> Any:
    with frozen_at(NOTICE_START):
        return services.notice_publish(
            actor=admin_user, programme=programme_2025, applications=[approved], starts_on=NOTICE_START
        )


@pytest.fixture
def matrix_users(
    enterprise_user: Any,
    provider_user: Any,
    other_provider: Any,
    reviewer_user: Any,
    same_org_reviewer: Any,
    admin_user: Any,
) -> dict[str, Any]:
    """anonymous / enterprise / provider owner / other provider / reviewer (assigned where relevant) /
    reviewer of the applicant's organisation / admin."""
    return {
        "anonymous": None,
        "enterprise": enterprise_user,
        "owner": provider_user,
        "other_provider": other_provider,
        "reviewer": reviewer_user,
        "same_org_reviewer": same_org_reviewer,
        "admin": admin_user,
    }

"""Fixtures for the applications tests: files in a temporary MEDIA_ROOT and a ready-to-submit application."""

from __future__ import annotations

from typing import Any

import pytest

from voucher.applications.models import Application
from voucher.testing.applications import ready_application, submit
from voucher.testing.factories import UserFactory


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def other_provider(db: Any) -> Any:
    return UserFactory(provider=True)


@pytest.fixture
def submitted(provider_user: Any, programme_2025: Any) -> Application:
    return submit(provider_user, ready_application(provider_user, programme_2025))

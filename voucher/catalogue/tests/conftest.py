from __future__ import annotations

from typing import Any

import pytest

from voucher.testing.factories import UserFactory


@pytest.fixture
def other_provider(db: Any) -> Any:
    return UserFactory(provider=True)

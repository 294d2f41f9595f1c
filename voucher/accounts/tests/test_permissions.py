"""Permission matrix for the accounts pages not in tests/test_permission_matrix.py's own rows: replacing
the recovery codes, for anonymous / enterprise / another enterprise / provider / another provider /
a reviewer with a second factor / an admin without one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from voucher.core.models import AuditEvent
from voucher.testing.factories import UserFactory
from voucher.testing.second_factor import enable_second_factor, fresh_code

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "enterprise", "enterprise_other", "provider", "provider_other", "reviewer", "admin"]
PASSWORD = "pw-123456"  # voucher.testing.factories.UserFactory
LOGIN = "login"

# Staff only; the reviewer gets new codes (sent on to see them), the admin has no second factor (422).
REGENERATE = {
    "anonymous": LOGIN,
    **dict.fromkeys(["enterprise", "enterprise_other", "provider", "provider_other"], 403),
    "reviewer": 302,
    "admin": 422,
}


@pytest.fixture
def people(role_users):
    return {
        **role_users,
        "enterprise_other": UserFactory(),
        "provider_other": UserFactory(provider=True),
    }


def _client(people, role) -> Client:
    client = Client()
    user = people[role]
    if user is None:
        return client
    client.force_login(user)
    if role == "reviewer":
        device, _ = enable_second_factor(user)
        assert client.post(reverse("accounts:otp_verify"), {"code": fresh_code(device)}).status_code == 302
    return client


@pytest.mark.parametrize("role", ROLES)
def test_regenerate_matrix(people, role):
    client = _client(people, role)
    url = reverse("accounts:otp_regenerate")
    codes = set(StaticToken.objects.values_list("token", flat=True))
    events = AuditEvent.objects.count()
    assert client.get(url).status_code == 405  # a POST button only
    response = client.post(url, {"regenerate-password": PASSWORD})
    expected = REGENERATE[role]
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected
    changed = set(StaticToken.objects.values_list("token", flat=True)) != codes
    assert changed is (expected == 302)
    if expected != 302:
        assert AuditEvent.objects.count() == events
    else:
        assert response.url == reverse("accounts:otp_recovery_codes")

"""Issue 17 item 7: idle timeout (staff sooner), TOTP required for staff in production, CSP object-src 'none'."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from django.test import Client

from voucher.core.clock import frozen_at

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def production_timeouts(settings):
    settings.VOUCHER_IDLE_TIMEOUT_STAFF_MINUTES = 30
    settings.VOUCHER_IDLE_TIMEOUT_MINUTES = 120


def idle(client, minutes: int, path: str = "/workbench/"):
    """Use the session at START, then again after ``minutes`` without a request."""
    with frozen_at(START):
        assert client.get(path).status_code == 200
    with frozen_at(START + dt.timedelta(minutes=minutes)):
        return client.get(path)


def logged_in(user) -> Client:
    client = Client()
    with frozen_at(START):
        client.force_login(user)
    return client


def test_trust_7_staff_sessions_time_out_sooner_than_enterprise_sessions(admin_user, enterprise_user):
    assert idle(logged_in(admin_user), 29).status_code == 200
    staff = logged_in(admin_user)
    expired = idle(staff, 31)
    assert expired.status_code == 302 and expired["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in staff.session
    assert idle(logged_in(enterprise_user), 31).status_code == 200
    assert idle(logged_in(enterprise_user), 121).status_code == 302


def test_trust_7_activity_keeps_a_session_alive(enterprise_user):
    client = logged_in(enterprise_user)
    for hour in range(4):
        with frozen_at(START + dt.timedelta(minutes=100 * hour)):
            assert client.get("/workbench/").status_code == 200


def test_trust_7_the_api_answers_401_session_expired(enterprise_user):
    response = idle(logged_in(enterprise_user), 121, "/api/v1/orders/")
    assert response.status_code == 401 and response.json()["code"] == "session_expired"


def test_trust_7_production_requires_totp_for_staff_by_default():
    code = (
        "import os; os.environ['DJANGO_SECRET_KEY'] = 'k' * 60; "
        "from config.settings import production; print(production.VOUCHER_REQUIRE_TOTP_FOR_STAFF)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "True"


def test_trust_7_csp_forbids_plugins(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "object-src 'none'" in policy

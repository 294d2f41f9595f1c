"""Issue 17 item 3: login throttling sees the client behind the proxy and stops password spraying."""

from __future__ import annotations

import pytest
from django.test import Client

from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
PASSWORD = "pw-123456"


@pytest.fixture(autouse=True)
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def log_in(client: Client, username: str, password: str) -> int:
    return client.post("/accounts/login/", {"username": username, "password": password}).status_code


def test_trust_3_a_lockout_holds_for_the_client_not_for_everyone_behind_the_proxy(enterprise_user):
    attacker = from_address("203.0.113.7")
    for _ in range(5):
        log_in(attacker, enterprise_user.username, "wrong")
    assert log_in(attacker, enterprise_user.username, PASSWORD) == 429
    owner = from_address("198.51.100.20")
    assert log_in(owner, enterprise_user.username, PASSWORD) == 302
    assert "_auth_user_id" in owner.session


def test_trust_3_what_the_client_writes_into_x_forwarded_for_does_not_escape_the_lockout(enterprise_user):
    for n in range(5):
        spoofing = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7")
        log_in(spoofing, enterprise_user.username, "wrong")
    again = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7")
    assert log_in(again, enterprise_user.username, PASSWORD) == 429


def test_trust_3_password_spraying_over_many_usernames_locks_the_address(settings):
    settings.VOUCHER_LOGIN_SPRAY_LIMIT = 10
    victims = [UserFactory() for _ in range(11)]
    sprayer = from_address("203.0.113.8")
    answers = [log_in(sprayer, victim.username, "Password1!") for victim in victims[:10]]
    # No username reached its own limit; the tenth different username locks the address.
    assert answers == [200] * 9 + [429]
    response = sprayer.post("/accounts/login/", {"username": victims[10].username, "password": PASSWORD})
    assert response.status_code == 429 and "登录已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in sprayer.session
    # Another client behind the same proxy is not affected.
    assert log_in(from_address("198.51.100.21"), victims[10].username, PASSWORD) == 302


def test_trust_3_a_few_typos_from_one_office_do_not_lock_it(settings):
    settings.VOUCHER_LOGIN_SPRAY_LIMIT = 10
    colleagues = [UserFactory() for _ in range(4)]
    office = from_address("203.0.113.9")
    for colleague in colleagues:
        log_in(office, colleague.username, "typo")
    assert log_in(office, colleagues[0].username, PASSWORD) == 302

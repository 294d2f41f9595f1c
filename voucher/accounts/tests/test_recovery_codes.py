"""New recovery codes for a second factor: the service, the 双重认证 page and the API."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken

from voucher.accounts.selectors import recovery_codes_left
from voucher.accounts.services import second_factor_regenerate_recovery_codes, second_factor_verify
from voucher.core.models import AuditEvent, Notification
from voucher.testing.second_factor import enable_second_factor, fresh_code, wait_out_throttle

pytestmark = pytest.mark.django_db

PASSWORD = "pw-123456"  # voucher.testing.factories.UserFactory


def _codes(user) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def _error_code(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return next(e.code for errors in exc.value.error_dict.values() for e in errors)  # type: ignore[return-value]


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- the service -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("confirm_with", ["password", "code"])
def test_new_codes_replace_every_old_one(reviewer_user, confirm_with):
    device, old = enable_second_factor(reviewer_user)
    second_factor_verify(actor=reviewer_user, code=old[0])  # one used up: nine left
    proof = {"password": PASSWORD} if confirm_with == "password" else {"code": fresh_code(device)}
    new = second_factor_regenerate_recovery_codes(actor=reviewer_user, **proof)
    assert len(new) == len(set(new)) == 10 and not set(new) & set(old)
    assert _codes(reviewer_user) == set(new) and recovery_codes_left(reviewer_user) == 10
    with pytest.raises(ValidationError):
        second_factor_verify(actor=reviewer_user, code=old[1])
    wait_out_throttle(reviewer_user)
    assert second_factor_verify(actor=reviewer_user, code=new[0])
    event = AuditEvent.objects.filter(action="otp.recovery_codes_regenerated").get()
    assert event.actor_id == reviewer_user.pk and event.before == {"recovery_codes": 9}
    assert event.after == {"recovery_codes": 10, "confirmed_with": confirm_with}
    assert not any(code in json.dumps([event.before, event.after, event.note]) for code in new)
    assert Notification.objects.filter(recipient=reviewer_user, title="已重新生成恢复码").exists()


def test_a_wrong_password_changes_nothing_is_audited_and_throttled(reviewer_user):
    enable_second_factor(reviewer_user)
    before = _codes(reviewer_user)
    with pytest.raises(ValidationError) as exc:
        second_factor_regenerate_recovery_codes(actor=reviewer_user, password="not-my-password")
    assert _error_code(exc) == "password_invalid" and "password" in exc.value.error_dict
    assert _codes(reviewer_user) == before
    failed = AuditEvent.objects.filter(action="otp.password_failed").get()
    assert failed.after == {"purpose": "regenerate", "throttled": False}
    assert "not-my-password" not in json.dumps([failed.before, failed.after, failed.note])
    # Right away, even the right password waits out the throttle.
    with pytest.raises(ValidationError) as exc:
        second_factor_regenerate_recovery_codes(actor=reviewer_user, password=PASSWORD)
    assert _error_code(exc) == "otp_throttled" and _codes(reviewer_user) == before
    wait_out_throttle(reviewer_user)
    assert len(second_factor_regenerate_recovery_codes(actor=reviewer_user, password=PASSWORD)) == 10


def test_a_wrong_code_or_a_recovery_code_changes_nothing(reviewer_user):
    device, old = enable_second_factor(reviewer_user)
    before = _codes(reviewer_user)
    with pytest.raises(ValidationError) as exc:
        second_factor_regenerate_recovery_codes(actor=reviewer_user, code=_wrong(fresh_code(device)))
    assert _error_code(exc) == "otp_invalid"
    wait_out_throttle(reviewer_user)
    # Whoever holds one old recovery code must not mint ten new ones with it (and it is not used up).
    with pytest.raises(ValidationError) as exc:
        second_factor_regenerate_recovery_codes(actor=reviewer_user, code=old[0])
    assert _error_code(exc) == "otp_invalid"
    assert _codes(reviewer_user) == before
    assert AuditEvent.objects.filter(action="otp.code_failed", after__purpose="regenerate").count() == 2
    assert not AuditEvent.objects.filter(action="otp.recovery_codes_regenerated").exists()


def test_it_needs_a_password_or_a_code_and_a_second_factor(reviewer_user, admin_user):
    enable_second_factor(reviewer_user)
    with pytest.raises(ValidationError) as exc:
        second_factor_regenerate_recovery_codes(actor=reviewer_user, password="", code="  ")
    assert _error_code(exc) == "required"
    with pytest.raises(ValidationError) as exc:
        second_factor_regenerate_recovery_codes(actor=admin_user, password=PASSWORD)
    assert _error_code(exc) == "otp_not_enabled"
    assert not StaticToken.objects.filter(device__user=admin_user).exists()


@pytest.mark.parametrize("role", ["enterprise", "provider"])
def test_enterprises_and_providers_have_none_to_replace(role_users, role):
    with pytest.raises(PermissionDenied):
        second_factor_regenerate_recovery_codes(actor=role_users[role], password=PASSWORD)


# --- the page and the API ----------------------------------------------------------------------------------


def verified_client(user, device) -> Client:
    """A session past both login steps."""
    client = Client()
    client.force_login(user)
    assert client.post("/accounts/login/code/", {"code": fresh_code(device)}).status_code == 302
    return client


def test_the_page_offers_it_once_the_second_factor_is_on(client, reviewer_user):
    client.force_login(reviewer_user)
    assert "重新生成恢复码" not in client.get("/accounts/2fa/").content.decode()
    device, _ = enable_second_factor(reviewer_user)
    body = verified_client(reviewer_user, device).get("/accounts/2fa/").content.decode()
    assert (
        "重新生成恢复码" in body and 'name="regenerate-password"' in body and 'name="regenerate-code"' in body
    )


def test_new_codes_on_the_page_are_shown_once(reviewer_user):
    device, old = enable_second_factor(reviewer_user)
    client = verified_client(reviewer_user, device)
    response = client.post("/accounts/2fa/recovery-codes/new/", {"regenerate-password": PASSWORD})
    assert response.status_code == 302 and response.url == "/accounts/2fa/recovery-codes/"
    body = client.get(response.url).content.decode()
    shown = {code for code in _codes(reviewer_user) if f"<code>{code}</code>" in body}
    assert len(shown) == 10 and not shown & set(old)
    assert client.get("/accounts/2fa/recovery-codes/").url == "/accounts/2fa/"


def test_a_wrong_password_on_the_page_is_shown_at_the_field(reviewer_user):
    device, _ = enable_second_factor(reviewer_user)
    client = verified_client(reviewer_user, device)
    before = _codes(reviewer_user)
    response = client.post("/accounts/2fa/recovery-codes/new/", {"regenerate-password": "wrong"})
    assert response.status_code == 422 and "当前密码不正确" in response.content.decode()
    response = client.post("/accounts/2fa/recovery-codes/new/", {})
    assert response.status_code == 422 and "请输入当前密码或身份验证器" in response.content.decode()
    assert _codes(reviewer_user) == before


def _api(client: Client, payload: dict) -> object:
    return client.post(
        "/api/v1/accounts/otp/recovery-codes", data=json.dumps(payload), content_type="application/json"
    )


def test_api_new_codes_with_a_current_code(reviewer_user):
    device, old = enable_second_factor(reviewer_user)
    client = verified_client(reviewer_user, device)
    refused = _api(client, {"password": "wrong"})
    assert refused.status_code == 422 and refused.json()["code"] == "password_invalid"
    assert refused.json()["fields"]["password"]
    wait_out_throttle(reviewer_user)
    response = _api(client, {"code": fresh_code(device)})
    assert response.status_code == 200
    codes = response.json()["recovery_codes"]
    assert set(codes) == _codes(reviewer_user) and len(codes) == 10 and not set(codes) & set(old)
    assert client.get("/api/v1/accounts/otp").json()["recovery_codes_left"] == 10


def test_api_refuses_other_roles_and_an_unfinished_login(client, role_users, reviewer_user):
    assert _api(Client(), {"password": PASSWORD}).status_code == 401
    for role in ("enterprise", "provider"):
        other = Client()
        other.force_login(role_users[role])
        response = _api(other, {"password": PASSWORD})
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
    enable_second_factor(reviewer_user)
    before = _codes(reviewer_user)
    client.force_login(reviewer_user)  # the password step only
    response = _api(client, {"password": PASSWORD})
    assert response.status_code == 403 and response.json()["code"] == "otp_required"
    assert _codes(reviewer_user) == before


def test_the_operation_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/accounts/otp/recovery-codes"]["post"]
    assert operation["security"] and "恢复码" in operation["summary"]

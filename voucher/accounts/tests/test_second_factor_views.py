"""Second factor through the pages and the API: the two-step login, the gate, set-up, disable, reset."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from voucher.accounts.selectors import has_second_factor
from voucher.core.models import AuditEvent
from voucher.testing.second_factor import enable_second_factor, fresh_code, wait_out_throttle

pytestmark = pytest.mark.django_db

PASSWORD = "pw-123456"


def _password_step(client: Client, user, next_url: str = "") -> object:
    data = {"username": user.username, "password": PASSWORD}
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def _api_post(client: Client, path: str, payload: dict) -> object:
    return client.post(f"/api/v1{path}", data=json.dumps(payload), content_type="application/json")


def test_full_login_asks_for_the_code_after_the_password(client, reviewer_user):
    device, _ = enable_second_factor(reviewer_user)
    response = _password_step(client, reviewer_user)
    assert response.status_code == 302
    assert response.url == "/accounts/login/code/?next=%2Fworkbench%2F"
    # Not logged in fully yet: the workbench sends the user back to the code step.
    response = client.get("/workbench/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/code/")
    page = client.get(response.url)
    assert page.status_code == 200 and "动态验证码" in page.content.decode()
    response = client.post("/accounts/login/code/", {"code": fresh_code(device), "next": "/workbench/"})
    assert response.status_code == 302 and response.url == "/workbench/"
    assert client.get("/workbench/").status_code == 200


def test_login_keeps_the_next_page_through_the_code_step(client, reviewer_user):
    device, _ = enable_second_factor(reviewer_user)
    response = _password_step(client, reviewer_user, next_url="/reviews/")
    assert response.url == "/accounts/login/code/?next=%2Freviews%2F"
    response = client.post(response.url, {"code": fresh_code(device)})
    assert response.url == "/reviews/"


def test_code_step_refuses_an_outside_next(client, reviewer_user):
    device, _ = enable_second_factor(reviewer_user)
    _password_step(client, reviewer_user)
    response = client.post("/accounts/login/code/?next=https://evil.example/", {"code": fresh_code(device)})
    assert response.url == "/workbench/"


def test_wrong_code_is_shown_at_the_field_and_audited(client, reviewer_user):
    device, _ = enable_second_factor(reviewer_user)
    _password_step(client, reviewer_user)
    good = fresh_code(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/login/code/", {"code": wrong})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="field has-error"' in body and "动态验证码不正确" in body
    assert client.get("/workbench/").status_code == 302
    assert AuditEvent.objects.filter(action="otp.code_failed", after__purpose="login").count() == 1
    # Throttled: even the right code right after a wrong one is refused, with the wait at the field.
    response = client.post("/accounts/login/code/", {"code": good})
    assert "秒后再试" in response.content.decode()
    assert client.get("/workbench/").status_code == 302
    wait_out_throttle(reviewer_user)
    response = client.post("/accounts/login/code/", {"code": fresh_code(device)})
    assert response.status_code == 302 and client.get("/workbench/").status_code == 200


def test_recovery_code_logs_in_once(reviewer_user):
    _, codes = enable_second_factor(reviewer_user)
    first = Client()
    _password_step(first, reviewer_user)
    response = first.post("/accounts/login/code/", {"code": codes[3]}, follow=True)
    assert response.status_code == 200 and "恢复码登录" in response.content.decode()
    assert first.get("/workbench/").status_code == 200
    wait_out_throttle(reviewer_user)
    second = Client()
    _password_step(second, reviewer_user)
    response = second.post("/accounts/login/code/", {"code": codes[3]})
    assert response.status_code == 200 and "恢复码不正确或已使用过" in response.content.decode()
    assert second.get("/workbench/").status_code == 302


def test_unverified_session_is_refused_on_staff_pages_the_admin_site_and_the_api(client, admin_user):
    enable_second_factor(admin_user)
    _password_step(client, admin_user)
    for path in ("/reviews/", "/admin/", "/claims/queue/", "/accounts/2fa/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/code/"), path
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 403
    assert response.json() == {
        "code": "otp_required",
        "message": "请先输入动态验证码完成双重认证。",
        "fields": {},
    }
    response = _api_post(client, "/accounts/otp/disable", {"code": "123456"})
    assert response.status_code == 403 and response.json()["code"] == "otp_required"
    # The status and verify endpoints stay reachable so an API client can finish the login.
    status = client.get("/api/v1/accounts/otp").json()
    assert status["enabled"] and not status["verified"]


def test_api_client_finishes_the_login_with_the_verify_endpoint(client, reviewer_user):
    device, _ = enable_second_factor(reviewer_user)
    _password_step(client, reviewer_user)
    response = _api_post(client, "/accounts/otp/verify", {"code": "12"})
    assert response.status_code == 422 and response.json()["fields"]["code"]
    wait_out_throttle(reviewer_user)
    response = _api_post(client, "/accounts/otp/verify", {"code": fresh_code(device)})
    assert response.status_code == 200 and response.json()["verified"] is True
    assert client.get("/api/v1/accounts/me").status_code == 200


def test_users_without_a_device_log_in_as_before(client, reviewer_user, enterprise_user):
    for user in (reviewer_user, enterprise_user):
        c = Client()
        response = _password_step(c, user)
        assert response.url == "/workbench/"
        assert c.get("/workbench/").status_code == 200
        assert c.get("/api/v1/accounts/me").status_code == 200


def test_setting_it_up_on_the_page(client, reviewer_user):
    client.force_login(reviewer_user)
    body = client.get("/accounts/2fa/").content.decode()
    assert "未开启" in body and "开启双重认证" in body
    assert client.post("/accounts/2fa/begin/").status_code == 302
    response = client.get("/accounts/2fa/")
    body = response.content.decode()
    assert 'src="data:image/svg+xml' in body
    device = TOTPDevice.objects.get(user=reviewer_user, confirmed=False)
    from voucher.accounts.provisioning import provisioning

    assert provisioning(device).secret_grouped in body
    assert "data:" in response["Content-Security-Policy"].split("img-src")[1].split(";")[0]
    response = client.post(
        "/accounts/2fa/confirm/", {"code": "000000" if fresh_code(device) != "000000" else "111111"}
    )
    assert response.status_code == 422 and 'class="field has-error"' in response.content.decode()
    assert not has_second_factor(reviewer_user)
    wait_out_throttle(reviewer_user)
    response = client.post("/accounts/2fa/confirm/", {"code": fresh_code(device)})
    assert response.status_code == 302 and response.url == "/accounts/2fa/recovery-codes/"
    body = client.get(response.url).content.decode()
    assert body.count("<li><code>") == 10 and "只显示这一次" in body
    # Shown once: the second visit goes back to the status page.
    assert client.get("/accounts/2fa/recovery-codes/").url == "/accounts/2fa/"
    # The session that set it up is verified; staff pages stay open.
    assert client.get("/reviews/").status_code == 200
    assert "已开启" in client.get("/accounts/2fa/").content.decode()


def test_turning_it_off_on_the_page_needs_a_current_code(client, reviewer_user):
    device, _ = enable_second_factor(reviewer_user)
    _password_step(client, reviewer_user)
    client.post("/accounts/login/code/", {"code": fresh_code(device)})
    response = client.post("/accounts/2fa/disable/", {"code": ""})
    assert response.status_code == 422 and "请输入验证码" in response.content.decode()
    assert has_second_factor(reviewer_user)
    response = client.post("/accounts/2fa/disable/", {"code": fresh_code(device)})
    assert response.status_code == 302 and not has_second_factor(reviewer_user)


@pytest.mark.parametrize("role", ["enterprise", "provider"])
def test_enterprises_and_providers_have_no_second_factor_page(client, role_users, role):
    client.force_login(role_users[role])
    assert client.get("/accounts/2fa/").status_code == 403
    assert client.post("/accounts/2fa/begin/").status_code == 403
    assert _api_post(client, "/accounts/otp/begin", {}).status_code == 403
    assert "双重认证" not in client.get("/workbench/").content.decode()


def test_admin_resets_a_lost_phone_on_the_page(client, admin_user, reviewer_user):
    enable_second_factor(reviewer_user)
    client.force_login(admin_user)
    body = client.get("/accounts/2fa/users/").content.decode()
    assert reviewer_user.username in body and "已开启" in body
    response = client.post(f"/accounts/2fa/users/{reviewer_user.pk}/reset/", {"reason": ""})
    assert response.status_code == 422 and 'class="field has-error"' in response.content.decode()
    assert has_second_factor(reviewer_user)
    response = client.post(f"/accounts/2fa/users/{reviewer_user.pk}/reset/", {"reason": "手机丢失"})
    assert response.status_code == 302 and not has_second_factor(reviewer_user)
    assert AuditEvent.objects.filter(action="otp.reset", note="手机丢失").exists()


def test_reviewer_cannot_reset_anyone(client, admin_user, reviewer_user):
    enable_second_factor(admin_user)
    client.force_login(reviewer_user)
    assert client.get("/accounts/2fa/users/").status_code == 403
    assert client.post(f"/accounts/2fa/users/{admin_user.pk}/reset/", {"reason": "x"}).status_code == 403
    response = _api_post(client, f"/accounts/users/{admin_user.pk}/otp/reset", {"reason": "x"})
    assert response.status_code == 403
    assert has_second_factor(admin_user)


def test_programme_can_require_it_for_staff(client, settings, reviewer_user, enterprise_user):
    settings.VOUCHER_REQUIRE_TOTP_FOR_STAFF = True
    client.force_login(reviewer_user)
    response = client.get("/reviews/")
    assert response.status_code == 302 and response.url == "/accounts/2fa/"
    assert "平台要求" in client.get("/accounts/2fa/").content.decode()
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 403 and response.json()["code"] == "otp_setup_required"
    assert _api_post(client, "/accounts/otp/begin", {}).status_code == 200
    other = Client()
    other.force_login(enterprise_user)
    assert other.get("/workbench/").status_code == 200


def test_api_set_up_status_disable_and_reset(client, reviewer_user, admin_user):
    client.force_login(reviewer_user)
    status = client.get("/api/v1/accounts/otp").json()
    assert status["enabled"] is False and status["available"] is True
    setup = _api_post(client, "/accounts/otp/begin", {}).json()
    assert setup["otpauth_url"].startswith("otpauth://totp/") and setup["qr_svg_data_uri"].startswith(
        "data:image/svg+xml"
    )
    device = TOTPDevice.objects.get(user=reviewer_user)
    assert setup["secret"] in setup["otpauth_url"]
    response = _api_post(client, "/accounts/otp/confirm", {"code": "abc"})
    assert response.status_code == 422 and "code" in response.json()["fields"]
    response = _api_post(client, "/accounts/otp/confirm", {"code": fresh_code(device)})
    assert response.status_code == 200 and len(response.json()["recovery_codes"]) == 10
    status = client.get("/api/v1/accounts/otp").json()
    assert status["enabled"] and status["verified"] and status["recovery_codes_left"] == 10
    response = _api_post(
        client, "/accounts/otp/disable", {"code": "999999" if fresh_code(device) != "999999" else "888888"}
    )
    assert response.status_code == 422 and response.json()["code"] == "otp_invalid"
    assert has_second_factor(reviewer_user)
    admin = Client()
    admin.force_login(admin_user)
    response = _api_post(admin, f"/accounts/users/{reviewer_user.pk}/otp/reset", {"reason": "手机丢失"})
    assert response.status_code == 200 and response.json() == {
        "username": reviewer_user.username,
        "enabled": False,
    }


def test_second_factor_operations_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/accounts/otp",
        "/api/v1/accounts/otp/begin",
        "/api/v1/accounts/otp/confirm",
        "/api/v1/accounts/otp/verify",
        "/api/v1/accounts/otp/disable",
        "/api/v1/accounts/users/{user_id}/otp/reset",
    ):
        assert path in paths, path


def test_staff_find_it_on_the_workbench_and_the_organisation_page(client, reviewer_user, enterprise_user):
    client.force_login(reviewer_user)
    assert "/accounts/2fa/" in client.get("/workbench/").content.decode()
    assert "/accounts/2fa/" in client.get("/accounts/organisation/").content.decode()
    client.force_login(enterprise_user)
    assert "/accounts/2fa/" not in client.get("/accounts/organisation/").content.decode()

"""Login, the role workbench, 企业信息 and /api/v1/accounts/me."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_login_with_a_wrong_password_says_so_in_chinese(client, enterprise_user):
    response = client.post("/accounts/login/", {"username": enterprise_user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_login_then_workbench_then_logout(client, enterprise_user):
    response = client.post(
        "/accounts/login/", {"username": enterprise_user.username, "password": "pw-123456"}
    )
    assert response.status_code == 302 and response.url == "/workbench/"
    body = client.get("/workbench/").content.decode()
    assert "工作台" in body and "企业信息" in body and enterprise_user.organisation.name in body
    client.post("/accounts/logout/")
    assert client.get("/workbench/").status_code == 302


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("enterprise", ["年度补贴上限", "最后下单日"]),
        ("provider", ["配券产品申报", "评审及公示完成"]),
        ("reviewer", ["配券产品申报"]),
        ("admin", ["编辑年度政策", "节假日安排"]),
    ],
)
def test_workbench_shows_what_awaits_each_role(client, role_users, programme_2025, role, expected):
    client.force_login(role_users[role])
    body = client.get("/workbench/").content.decode()
    for text in expected:
        assert text in body, text
    assert role_users[role].role_label in body


def test_enterprise_workbench_does_not_show_admin_links(client, enterprise_user, programme_2025):
    client.force_login(enterprise_user)
    body = client.get("/workbench/").content.decode()
    assert "编辑年度政策" not in body and "/admin/" not in body


def test_organisation_page_saves_valid_changes(client, provider_user):
    client.force_login(provider_user)
    org = provider_user.organisation
    response = client.post(
        "/accounts/organisation/",
        {
            "name": org.name,
            "established_on": "2015-03-01",
            "registered_address": "天津市滨海新区",
            "operating_address": "北京市朝阳区",
            "contact_name": "赵六",
            "contact_phone": "13812345678",
            "contact_email": "a@example.com",
        },
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.contact_name == "赵六" and org.operating_address == "北京市朝阳区"


def test_organisation_page_shows_errors_at_the_field_and_saves_nothing(client, provider_user):
    client.force_login(provider_user)
    org = provider_user.organisation
    response = client.post(
        "/accounts/organisation/",
        {"name": "", "established_on": "not-a-date", "contact_email": "bad", "contact_name": "改了"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="error"') >= 3
    org.refresh_from_db()
    assert org.contact_name == "张三"


def test_api_me(client, reviewer_user):
    assert client.get("/api/v1/accounts/me").status_code == 401
    client.force_login(reviewer_user)
    data = client.get("/api/v1/accounts/me").json()
    assert data["role"] == "reviewer" and data["role_label"] == "评审机构"
    assert data["organisation"]["is_review_body"] is True


def test_english_is_available(client, enterprise_user):
    client.force_login(enterprise_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/workbench/"})
    body = client.get("/workbench/").content.decode()
    assert 'lang="en"' in body
    assert ">Workbench<" in body and ">Log out" in body


def test_repeated_wrong_passwords_lock_the_login(client, enterprise_user):
    for _ in range(5):
        client.post("/accounts/login/", {"username": enterprise_user.username, "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": enterprise_user.username, "password": "pw-123456"})
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_production_settings_pass_the_deployment_checks(monkeypatch):
    import subprocess
    import sys

    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "voucher.example.gov.cn",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

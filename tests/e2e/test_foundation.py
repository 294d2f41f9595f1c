"""A new user logs in as each role and sees that role's workbench in Chinese, on a phone."""

from __future__ import annotations

import pytest

from voucher.demo.seed import DEMO_PASSWORD, seed_demo
from voucher.testing.browser import assert_labelled_and_fits, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROLE_PAGES = [
    ("admin", "市经信局", ["编辑年度政策", "节假日安排"]),
    ("reviewer1", "评审机构", ["配券产品申报"]),
    ("provider_ai", "服务商", ["配券产品申报", "企业信息"]),
    ("ent_food", "企业", ["年度补贴上限", "最后下单日"]),
]


def test_public_home_page_on_a_phone(live_server, phone):
    seed_demo()
    phone.goto(live_server.url + "/")
    assert "产品征集方向" in phone.content()
    assert phone.locator("article.card").count() == 9
    assert_labelled_and_fits(phone)
    screenshot(phone, "home-phone")


@pytest.mark.parametrize(("username", "role_label", "expected"), ROLE_PAGES)
def test_each_role_logs_in_and_sees_its_workbench(live_server, phone, username, role_label, expected):
    seed_demo()
    phone.goto(live_server.url + "/accounts/login/")
    assert_labelled_and_fits(phone)
    login(phone, live_server.url, username, DEMO_PASSWORD)
    heading = phone.locator("h1").inner_text()
    assert "工作台" in heading and role_label in heading
    body = phone.content()
    for text in expected:
        assert text in body, text
    assert_labelled_and_fits(phone)
    screenshot(phone, f"workbench-{username}")


def test_wrong_password_is_explained_next_to_the_form(live_server, phone):
    seed_demo()
    phone.goto(live_server.url + "/accounts/login/")
    phone.get_by_label("用户名").fill("ent_food")
    phone.get_by_label("密码").fill("not-the-password")
    phone.get_by_role("button", name="登录").click()
    assert phone.locator(".errorlist").inner_text() == "用户名或密码不正确。"

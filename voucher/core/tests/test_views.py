"""Core pages: public home, workbench, and the notification inbox (only one's own notifications)."""

from __future__ import annotations

import datetime as dt

import pytest

from voucher.core import clock
from voucher.core.cards import schedule_gap
from voucher.core.models import Notification
from voucher.core.notifications import notify

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "enterprise", "provider", "reviewer", "admin"]


def login(client, role_users, role):
    user = role_users[role]
    if user is not None:
        client.force_login(user)
    return user


@pytest.mark.parametrize("role", ROLES)
def test_home_is_public(client, role_users, role):
    login(client, role_users, role)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    for name in ["大模型应用", "数智转型系统", "工业设计"]:
        assert name in body


@pytest.mark.parametrize("path", ["/workbench/", "/inbox/"])
@pytest.mark.parametrize("role", ROLES)
def test_login_required_pages(client, role_users, role, path):
    user = login(client, role_users, role)
    response = client.get(path)
    if user is None:
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("path", ["/inbox/1/read/", "/inbox/read-all/"])
def test_inbox_posts_need_login(client, path):
    response = client.post(path)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_n1_inbox_lists_only_own_notifications(client, provider_user, enterprise_user):
    notify(recipients=[provider_user], kind="k", title="给服务商的通知")
    notify(recipients=[enterprise_user], kind="k", title="给企业的通知")
    client.force_login(provider_user)
    body = client.get("/inbox/").content.decode()
    assert "给服务商的通知" in body
    assert "给企业的通知" not in body


def test_n1_inbox_unread_filter(client, provider_user):
    (read,) = notify(recipients=[provider_user], kind="k", title="已经读过的")
    notify(recipients=[provider_user], kind="k", title="还没有读的")
    read.read_at = clock.now()
    read.save()
    client.force_login(provider_user)
    everything = client.get("/inbox/").content.decode()
    unread = client.get("/inbox/?unread=1")
    assert "已经读过的" in everything and "还没有读的" in everything
    assert unread.context["only_unread"] is True
    assert "还没有读的" in unread.content.decode()
    assert "已经读过的" not in unread.content.decode()


def test_n1_inbox_pages_by_twenty(client, provider_user):
    for i in range(25):
        notify(recipients=[provider_user], kind="k", title=f"通知{i}")
    client.force_login(provider_user)
    first = client.get("/inbox/")
    assert len(first.context["page"].object_list) == 20
    assert len(client.get("/inbox/?page=2").context["page"].object_list) == 5


def test_n1_mark_read_follows_the_link(client, provider_user):
    (item,) = notify(recipients=[provider_user], kind="k", title="t", url="/programme/")
    client.force_login(provider_user)
    response = client.post(f"/inbox/{item.pk}/read/")
    assert response.status_code == 302
    assert response["Location"] == "/programme/"
    item.refresh_from_db()
    assert item.read_at is not None


def test_n1_mark_read_without_link_returns_to_inbox(client, provider_user):
    (item,) = notify(recipients=[provider_user], kind="k", title="t")
    client.force_login(provider_user)
    response = client.post(f"/inbox/{item.pk}/read/")
    assert response["Location"] == "/inbox/"


def test_n1_cannot_mark_someone_elses_notification(client, provider_user, enterprise_user):
    (item,) = notify(recipients=[enterprise_user], kind="k", title="t")
    client.force_login(provider_user)
    assert client.post(f"/inbox/{item.pk}/read/").status_code == 404
    item.refresh_from_db()
    assert item.read_at is None


def test_n1_mark_read_is_post_only(client, provider_user):
    (item,) = notify(recipients=[provider_user], kind="k", title="t")
    client.force_login(provider_user)
    assert client.get(f"/inbox/{item.pk}/read/").status_code == 405
    item.refresh_from_db()
    assert item.read_at is None


def test_n1_mark_all_read_touches_only_own(client, provider_user, enterprise_user):
    notify(recipients=[provider_user], kind="k", title="a")
    notify(recipients=[provider_user], kind="k", title="b")
    notify(recipients=[enterprise_user], kind="k", title="c")
    client.force_login(provider_user)
    response = client.post("/inbox/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=provider_user, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=enterprise_user, read_at__isnull=True).count() == 1


def test_n1_workbench_shows_unread_notifications(client, provider_user):
    notify(recipients=[provider_user], kind="k", title="新订单待接单")
    client.force_login(provider_user)
    body = client.get("/workbench/").content.decode()
    assert "未读通知" in body
    assert "新订单待接单" in body


@pytest.mark.parametrize(
    ("today", "gap"),
    [
        (dt.date(2025, 6, 1), None),
        (dt.date(2026, 11, 16), None),  # +45 days = 2026-12-31
        (dt.date(2026, 11, 17), 2027),  # +45 days = 2027-01-01
        (dt.date(2027, 3, 1), 2027),
        (dt.date(2024, 12, 1), 2024),
    ],
)
def test_y4_schedule_gap_looks_45_days_ahead(today, gap):
    assert schedule_gap(today) == gap


def test_y4_admin_is_warned_when_deadlines_will_reach_an_unscheduled_year(client, admin_user):
    client.force_login(admin_user)
    with clock.frozen_at(dt.date(2026, 11, 20)):
        body = client.get("/workbench/").content.decode()
    assert "请录入 2027 年节假日安排" in body
    with clock.frozen_at(dt.date(2026, 6, 1)):
        calm = client.get("/workbench/").content.decode()
    assert "请录入 2027 年节假日安排" not in calm
    assert "节假日安排" in calm


@pytest.mark.parametrize("role", ["enterprise", "provider", "reviewer"])
def test_y4_schedule_warning_is_for_admins_only(client, role_users, role):
    login(client, role_users, role)
    with clock.frozen_at(dt.date(2026, 11, 20)):
        body = client.get("/workbench/").content.decode()
    assert "请录入 2027 年节假日安排" not in body

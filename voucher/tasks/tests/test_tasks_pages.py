"""The Bureau's delivery records (page and API) and each user's notification preferences (issue 20)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from voucher.core.notifications import notify
from voucher.tasks.models import Delivery, NotificationPreference
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

FLAKY = "voucher.testing.senders.FlakySender"
EMAIL = "voucher.core.notifications.senders.EmailSender"
SMS = "voucher.core.notifications.senders.SmsSender"


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def failed_once(settings, provider_user, django_capture_on_commit_callbacks):
    from voucher.testing.senders import FlakySender

    settings.VOUCHER_NOTIFICATION_SENDERS = [FLAKY]
    FlakySender.failures = 1
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[provider_user], kind="order_placed", title="新订单待接单")
    FlakySender.failures = 0
    return Delivery.objects.get()


def test_tasks_bureau_sees_each_delivery_with_state_attempts_and_error(admin_user, failed_once):
    page = login(admin_user).get(reverse("tasks:deliveries"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "通知投递记录" in text and "新订单待接单" in text and "待发送" in text
    assert "ConnectionError: 邮件服务器无响应" in text
    payload = login(admin_user).get("/api/v1/tasks/deliveries", {"status": "pending"}).json()
    assert payload["count"] == 1 and payload["counts"] == {"pending": 1, "sent": 0, "failed": 0}
    [item] = payload["items"]
    assert (item["status"], item["attempts"], item["kind"]) == ("pending", 1, "order_placed")
    assert item["last_error"] == "ConnectionError: 邮件服务器无响应"
    assert login(admin_user).get("/api/v1/tasks/deliveries", {"status": "sent"}).json()["count"] == 0


@pytest.mark.parametrize("role", ["enterprise_user", "provider_user", "reviewer_user"])
def test_tasks_only_the_bureau_sees_deliveries(request, role, failed_once):
    client = login(request.getfixturevalue(role))
    assert client.get(reverse("tasks:deliveries")).status_code == 403
    response = client.get("/api/v1/tasks/deliveries")
    assert response.status_code == 403 and response.json()["code"] == "not_admin"
    assert Client().get("/api/v1/tasks/deliveries").status_code == 401


def test_tasks_preference_page_switches_kinds_off_but_not_deadlines(settings):
    settings.VOUCHER_NOTIFICATION_SENDERS = [EMAIL, SMS]
    user = UserFactory(email="ops@example.cn", mobile="13912345678")
    client = login(user)
    page = client.get(reverse("tasks:preferences")).content.decode()
    assert "通知设置" in page and "今日为接单截止日" in page and "（不能关闭）" in page
    # Everything received except new orders by SMS; the mandatory boxes are not even sent (disabled).
    receive = ["order_placed|email", "contract_rated|email", "contract_rated|sms"]
    response = client.post(reverse("tasks:preferences"), {"receive": receive})
    assert response.status_code == 302
    muted = set(
        NotificationPreference.objects.filter(user=user, enabled=False).values_list("kind", "channel")
    )
    assert ("order_placed", "sms") in muted and ("order_placed", "email") not in muted
    assert ("contract_rated", "sms") not in muted
    assert not {k for k, _ in muted} & {"acceptance_due", "claim_approve", "order_expired"}
    notify(recipients=[user], kind="order_placed", title="新订单")
    notify(recipients=[user], kind="acceptance_due", title="今日为接单截止日")
    assert sorted(Delivery.objects.values_list("notification__kind", "channel")) == [
        ("acceptance_due", "email"),
        ("acceptance_due", "sms"),
        ("order_placed", "email"),
    ]
    assert Client().get(reverse("tasks:preferences")).status_code == 302

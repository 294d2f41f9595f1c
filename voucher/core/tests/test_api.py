"""/api/v1/notifications and /api/v1/calendar/working-deadline."""

from __future__ import annotations

import pytest

from voucher.core.models import CalendarDay, HolidayScheduleYear, Notification
from voucher.core.notifications import notify

pytestmark = pytest.mark.django_db

DEADLINE = "/api/v1/calendar/working-deadline"


def test_n1_notifications_need_login(client):
    response = client.get("/api/v1/notifications")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_n1_notifications_list_only_own(client, provider_user, enterprise_user):
    notify(recipients=[provider_user], kind="order.new", title="mine")
    notify(recipients=[enterprise_user], kind="order.new", title="theirs")
    client.force_login(provider_user)
    response = client.get("/api/v1/notifications")
    assert response.status_code == 200
    assert [item["title"] for item in response.json()] == ["mine"]
    assert response.json()[0]["kind"] == "order.new"
    assert response.json()[0]["read_at"] is None


def test_n1_notifications_unread_filter(client, provider_user):
    (read,) = notify(recipients=[provider_user], kind="k", title="read")
    notify(recipients=[provider_user], kind="k", title="unread")
    client.force_login(provider_user)
    client.post(f"/api/v1/notifications/{read.pk}/read")
    assert {i["title"] for i in client.get("/api/v1/notifications").json()} == {"read", "unread"}
    assert [i["title"] for i in client.get("/api/v1/notifications?unread=true").json()] == ["unread"]


def test_n1_mark_read_own(client, provider_user):
    (item,) = notify(recipients=[provider_user], kind="k", title="t")
    client.force_login(provider_user)
    response = client.post(f"/api/v1/notifications/{item.pk}/read")
    assert response.status_code == 200
    assert response.json()["id"] == item.pk
    assert response.json()["read_at"] is not None
    item.refresh_from_db()
    assert item.read_at is not None


def test_n1_mark_read_someone_elses_is_404(client, provider_user, enterprise_user):
    (item,) = notify(recipients=[enterprise_user], kind="k", title="t")
    client.force_login(provider_user)
    response = client.post(f"/api/v1/notifications/{item.pk}/read")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    item.refresh_from_db()
    assert item.read_at is None


def test_n1_mark_read_needs_login(client, provider_user):
    (item,) = notify(recipients=[provider_user], kind="k", title="t")
    assert client.post(f"/api/v1/notifications/{item.pk}/read").status_code == 401
    assert Notification.objects.get(pk=item.pk).read_at is None


def test_o6_working_deadline_crosses_national_day(client):
    response = client.get(DEADLINE, {"start": "2025-09-30", "days": 5})
    assert response.status_code == 200
    assert response.json() == {
        "start": "2025-09-30",
        "working_days": 5,
        "deadline": "2025-10-14",
        "start_is_working_day": True,
    }


def test_o6_working_deadline_defaults_to_five_days_and_reports_rest_day_start(client):
    response = client.get(DEADLINE, {"start": "2025-01-28"})  # 除夕, a rest day
    assert response.status_code == 200
    assert response.json()["working_days"] == 5
    assert response.json()["start_is_working_day"] is False
    # 2-5, 2-6, 2-7, 2-8 (Sat 调休), 2-10.
    assert response.json()["deadline"] == "2025-02-10"


def test_y4_working_deadline_reaching_2027_is_409(client):
    response = client.get(DEADLINE, {"start": "2026-12-28", "days": 5})
    assert response.status_code == 409
    payload = response.json()
    assert payload["code"] == "holiday_schedule_missing"
    assert "2027 年" in payload["message"]


def test_y4_working_deadline_succeeds_once_2027_is_entered(client):
    assert client.get(DEADLINE, {"start": "2026-12-28", "days": 5}).status_code == 409
    schedule = HolidayScheduleYear.objects.create(year=2027, notice="测试通知")
    CalendarDay.objects.create(
        schedule=schedule, date="2027-01-01", kind=CalendarDay.Kind.REST, festival="元旦"
    )
    response = client.get(DEADLINE, {"start": "2026-12-28", "days": 5})
    assert response.status_code == 200
    assert response.json()["deadline"] == "2027-01-05"


@pytest.mark.parametrize("days", [0, -1, 61, 1000])
def test_working_deadline_days_out_of_range_is_422(client, days):
    response = client.get(DEADLINE, {"start": "2025-03-03", "days": days})
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "invalid"
    assert "days" in payload["fields"]
    assert "1 到 60" in payload["message"]


@pytest.mark.parametrize("days", [1, 60])
def test_working_deadline_days_at_the_bounds(client, days):
    assert client.get(DEADLINE, {"start": "2025-03-03", "days": days}).status_code == 200


@pytest.mark.parametrize(
    "query", [{"start": "not-a-date"}, {"days": "5"}, {"start": "2025-03-03", "days": "x"}]
)
def test_working_deadline_malformed_request_is_422(client, query):
    response = client.get(DEADLINE, query)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"

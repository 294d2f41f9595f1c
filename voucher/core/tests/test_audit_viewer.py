"""M3 audit log viewer: admins browse, filter and export the log; the API gives the same; nobody else."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from voucher.core import clock
from voucher.core.audit import audit_record
from voucher.core.audit_chain import audit_seal
from voucher.core.audit_export import HEADER, audit_log_export, write_audit_workbook
from voucher.core.audit_selectors import AuditFilters, audit_events, audit_filters
from voucher.core.models import AuditEvent, AuditLog, HolidayScheduleYear
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["enterprise", "provider", "reviewer", "admin"]
PAGES = ["core:audit_list", "core:audit_export"]


@pytest.fixture
def schedule() -> HolidayScheduleYear:
    return HolidayScheduleYear.objects.get(year=2025)


@pytest.fixture
def log(role_users, schedule):
    """Events on two Shanghai days around midnight, by two actors, on two objects."""
    admin, provider = role_users["admin"], role_users["provider"]
    user = UserFactory(username="target-user")
    events = {}
    # 2025-06-01 23:30 Shanghai = 15:30 UTC the same day; 2025-06-02 00:30 Shanghai = 16:30 UTC on 06-01.
    with clock.frozen_at(dt.datetime(2025, 6, 1, 23, 30, tzinfo=clock.SHANGHAI)):
        events["late"] = audit_record(
            actor=admin,
            action="holidayscheduleyear.updated",
            obj=schedule,
            before={"notice": "旧"},
            after={"notice": "新"},
        )
    with clock.frozen_at(dt.datetime(2025, 6, 2, 0, 30, tzinfo=clock.SHANGHAI)):
        events["early"] = audit_record(
            actor=provider,
            action="user.updated",
            obj=user,
            before={"role": "enterprise"},
            after={"role": "provider"},
        )
        events["formula"] = audit_record(actor=None, action="user.noted", obj=user, note='=HYPERLINK("x")')
    return events


def url(name: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse(name) + (f"?{query}" if query else "")


# --- who may see it ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_m3_anonymous_is_sent_to_login(client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_m3_only_admins_see_the_log(client, role_users, log, page, role):
    client.force_login(role_users[role])
    response = client.get(reverse(page))
    assert response.status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_m3_only_admins_see_an_event(client, role_users, log, role):
    client.force_login(role_users[role])
    response = client.get(reverse("core:audit_detail", args=[log["late"].pk]))
    assert response.status_code == (200 if role == "admin" else 403)


def test_m3_inactive_admin_is_refused():
    assert not audit_events(UserFactory(admin=True, is_active=False), AuditFilters()).exists()


@pytest.mark.parametrize("role", ROLES)
def test_m3_navigation_link_only_for_admins(client, role_users, role):
    client.force_login(role_users[role])
    page = client.get(reverse("core:workbench")).content.decode()
    assert (reverse("core:audit_list") in page) == (role == "admin")


# --- the list and its filters ------------------------------------------------------------------


def listed(client, **params: str) -> list[int]:
    response = client.get(url("core:audit_list", **params))
    assert response.status_code == 200
    return [row["event"].pk for row in response.context["rows"]]


def test_m3_list_newest_first_with_before_after(client, admin_user, log):
    client.force_login(admin_user)
    assert listed(client) == [log["formula"].pk, log["early"].pk, log["late"].pk]
    page = client.get(reverse("core:audit_list")).content.decode()
    assert "旧 → <strong>新</strong>" in page
    assert "企业 → <strong>服务商</strong>" in page  # choice labels, readable


def test_m3_filters(client, admin_user, log, role_users):
    client.force_login(admin_user)
    user_event = log["early"]
    assert listed(client, object_type="accounts.user", object_id=user_event.object_id) == [
        log["formula"].pk,
        user_event.pk,
    ]
    assert listed(client, actor=role_users["provider"].username.upper()) == [user_event.pk]
    assert listed(client, action="user.updated") == [user_event.pk]
    assert listed(client, action="user.") == [log["formula"].pk, user_event.pk]
    assert listed(client, action="user") == []  # an action matches exactly unless it ends with a dot


def test_m3_date_filters_are_shanghai_days(client, admin_user, log):
    client.force_login(admin_user)
    assert listed(client, date_from="2025-06-01", date_to="2025-06-01") == [log["late"].pk]
    assert listed(client, date_from="2025-06-02") == [log["formula"].pk, log["early"].pk]
    assert listed(client, date_to="2025-05-31") == []


def test_m3_bad_filter_is_shown_next_to_its_field(client, admin_user, log):
    client.force_login(admin_user)
    response = client.get(url("core:audit_list", date_from="2025-06-03", date_to="2025-06-01"))
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"] == ["结束日期不能早于开始日期。"]
    assert response.context["rows"] == []
    response = client.get(url("core:audit_list", date_from="yesterday"))
    assert "请输入正确的日期" in response.context["form"].errors["date_from"][0]


def test_m3_list_is_paginated_and_keeps_filters(client, admin_user, schedule):
    for i in range(55):
        audit_record(actor=None, action="bulk.changed", obj=schedule, after={"i": i})
    client.force_login(admin_user)
    first = client.get(url("core:audit_list", action="bulk.changed"))
    assert len(first.context["rows"]) == 50
    assert "action=bulk.changed&page=2" in first.content.decode()
    second = client.get(url("core:audit_list", action="bulk.changed", page="2"))
    assert len(second.context["rows"]) == 5


def test_m3_detail_shows_the_chain(client, admin_user, log):
    audit_seal()
    client.force_login(admin_user)
    event = AuditEvent.objects.get(pk=log["late"].pk)
    page = client.get(reverse("core:audit_detail", args=[event.pk])).content.decode()
    assert "通知名称（notice）" in page or "notice" in page
    assert event.content_hash[:32] in page
    assert (event.chain_hash or "")[:32] in page
    assert client.get(reverse("core:audit_detail", args=[999999])).status_code == 404


# --- export ------------------------------------------------------------------------------------


def sheet_rows(content: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(content))
    return list(book["审计日志"].iter_rows(values_only=True))


def test_m3_export_is_the_filtered_list(client, admin_user, log):
    client.force_login(admin_user)
    response = client.get(url("core:audit_export", action="user."))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == [log["formula"].pk, log["early"].pk]
    early = rows[2]
    assert early[1] == dt.datetime(2025, 6, 2, 0, 30)  # Shanghai time
    assert early[3] == "user.updated"
    assert early[7] == '{"role": "enterprise"}' and early[8] == '{"role": "provider"}'
    assert rows[1][9] == '\'=HYPERLINK("x")'  # text, not a formula (OWASP apostrophe prefix)


def test_m3_export_cell_stays_text(log, tmp_path):
    target = tmp_path / "a.xlsx"
    with target.open("wb") as handle:
        write_audit_workbook(AuditEvent.objects.filter(pk=log["formula"].pk), handle)
    book = load_workbook(target)
    cell = book["审计日志"]["J2"]
    assert cell.data_type == "s"


def test_m3_export_is_audited(client, admin_user, log):
    client.force_login(admin_user)
    response = client.get(url("core:audit_export", action="user.", date_from="2025-06-01"))
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action="audit_log.exported")
    assert event.actor == admin_user
    assert event.object_type == "core.auditlog"
    assert event.after == {"filters": {"action": "user.", "date_from": "2025-06-01"}, "rows": 2}


def test_m3_export_refused_to_others(role_users, log):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        audit_log_export(actor=role_users["reviewer"], filters=AuditFilters())
    assert not AuditEvent.objects.filter(action="audit_log.exported").exists()


def test_m3_export_with_bad_filter_is_refused(client, admin_user, log):
    client.force_login(admin_user)
    response = client.get(url("core:audit_export", date_from="2025-13-01"))
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="audit_log.exported").exists()


def test_m3_filters_parse():
    assert audit_filters({"action": " x. ", "date_from": "2025-06-01"}) == AuditFilters(
        action="x.", date_from=dt.date(2025, 6, 1)
    )
    assert AuditLog.objects.filter(pk=1).exists()  # the chain head is created by the migration


# --- API ---------------------------------------------------------------------------------------

API = "/api/v1/audit/events"


def test_m3_api_refuses_anonymous(client, log):
    assert client.get(API).status_code == 401
    assert client.get(f"{API}/{log['late'].pk}").status_code == 401


@pytest.mark.parametrize("role", ["enterprise", "provider", "reviewer"])
def test_m3_api_refuses_other_roles(client, role_users, log, role):
    client.force_login(role_users[role])
    response = client.get(API)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden" or response.json()["message"]
    assert client.get(f"{API}/{log['late'].pk}").status_code == 403


def test_m3_api_list_with_filters_and_pages(client, admin_user, log):
    client.force_login(admin_user)
    data = client.get(API, {"action": "user.", "page_size": 1}).json()
    assert data["count"] == 2 and data["page"] == 1 and data["page_size"] == 1
    assert [i["id"] for i in data["items"]] == [log["formula"].pk]
    second = client.get(API, {"action": "user.", "page_size": 1, "page": 2}).json()
    assert [i["id"] for i in second["items"]] == [log["early"].pk]
    by_day = client.get(API, {"date_from": "2025-06-01", "date_to": "2025-06-01"}).json()
    assert [i["id"] for i in by_day["items"]] == [log["late"].pk]
    item = by_day["items"][0]
    assert item["before"] == {"notice": "旧"} and item["after"] == {"notice": "新"}
    assert len(item["content_hash"]) == 64 and item["chain_seq"] is None


def test_m3_api_bad_dates_are_422(client, admin_user):
    client.force_login(admin_user)
    response = client.get(API, {"date_from": "2025-06-03", "date_to": "2025-06-01"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"date_to": ["结束日期不能早于开始日期。"]}


def test_m3_api_detail(client, admin_user, log):
    audit_seal()
    client.force_login(admin_user)
    data = client.get(f"{API}/{log['early'].pk}").json()
    assert data["action"] == "user.updated"
    assert data["chain_seq"] == 2
    assert data["changes"][0]["before"] == "企业"
    assert data["changes"][0]["after"] == "服务商"
    assert client.get(f"{API}/999999").status_code == 404


def test_m3_api_in_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/audit/events"]
    assert "get" in paths["/api/v1/audit/events/{event_id}"]

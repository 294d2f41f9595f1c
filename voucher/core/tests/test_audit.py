"""The audit log (SPEC M3): who, when, what, before → after — and it can only grow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, models, transaction

from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.models import AppendOnlyError, AuditEvent, HolidayScheduleYear
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedule() -> HolidayScheduleYear:
    return HolidayScheduleYear.objects.get(year=2025)


@pytest.fixture
def event(admin_user, schedule) -> AuditEvent:
    return audit_record(
        actor=admin_user, action="test.changed", obj=schedule, before={"a": 1}, after={"a": 2}
    )


def test_m3_records_who_when_what(admin_user, schedule):
    moment = dt.datetime(2025, 6, 1, 10, 30, tzinfo=clock.SHANGHAI)
    with clock.frozen_at(moment):
        event = audit_record(
            actor=admin_user, action="holiday_schedule.updated", obj=schedule, note="管理后台"
        )
    event.refresh_from_db()
    assert event.at == moment
    assert event.actor == admin_user
    assert event.actor_label == admin_user.get_username()
    assert event.action == "holiday_schedule.updated"
    assert event.object_type == "core.holidayscheduleyear"
    assert event.object_id == str(schedule.pk)
    assert event.object_repr == str(schedule)
    assert event.note == "管理后台"
    assert list(AuditEvent.objects.for_object(schedule)) == [event]


def test_m3_system_actor_is_labelled(schedule):
    event = audit_record(actor=None, action="sweeper.ran", obj=schedule)
    assert event.actor is None
    assert event.actor_label == "系统"


def test_m3_before_after_keeps_only_changed_fields(admin_user, schedule):
    event = audit_record(
        actor=admin_user,
        action="x.updated",
        obj=schedule,
        before={"status": "draft", "name": "同名", "amount": Decimal("1.00")},
        after={"status": "submitted", "name": "同名", "amount": Decimal("1.00"), "added": 3},
    )
    event.refresh_from_db()
    assert event.before == {"status": "draft"}
    assert event.after == {"status": "submitted", "added": 3}


def test_m3_values_are_stored_as_json(admin_user, schedule):
    event = audit_record(
        actor=admin_user,
        action="x.created",
        obj=schedule,
        after={
            "amount": Decimal("200000.00"),
            "day": dt.date(2025, 10, 14),
            "who": admin_user,
            "tags": ("a", "b"),
        },
    )
    event.refresh_from_db()
    assert event.before is None
    assert event.after == {
        "amount": "200000.00",
        "day": "2025-10-14",
        "who": admin_user.pk,
        "tags": ["a", "b"],
    }


def test_m3_snapshot_hides_the_password():
    user = UserFactory(username="alice")
    data = snapshot(user)
    assert "password" not in data
    assert user.password  # there was one to hide
    assert user.password not in [str(v) for v in data.values()]
    assert data["username"] == "alice"
    assert data["role"] == user.role


def test_m3_snapshot_of_selected_fields(schedule):
    assert snapshot(schedule, ["year", "notice"]) == {"year": 2025, "notice": schedule.notice}


def test_m3_event_cannot_be_saved_again(event):
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.changed"


def test_m3_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_m3_queryset_update_and_delete_are_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.changed"


def test_m3_database_refuses_update_that_bypasses_the_model(event):
    # A plain QuerySet skips AuditEventQuerySet; the trigger still refuses (PostgreSQL and SQLite).
    with pytest.raises(DatabaseError), transaction.atomic():
        models.QuerySet(AuditEvent).filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET note = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.changed"
    assert AuditEvent.objects.get(pk=event.pk).note == ""


def test_m3_database_delete_guard_per_vendor(event):
    if connection.vendor == "postgresql":
        # PostgreSQL: a row trigger refuses DELETE too.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
        with pytest.raises(DatabaseError), transaction.atomic():
            models.QuerySet(AuditEvent).filter(pk=event.pk).delete()
        assert AuditEvent.objects.filter(pk=event.pk).exists()
    else:
        # SQLite: the update trigger is installed; DELETE is guarded by the model layer only (the test
        # runner empties SQLite tables with DELETE), as the migration documents.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_auditevent'"
            )
            triggers = {row[0] for row in cursor.fetchall()}
        assert triggers == {"core_auditevent_no_update"}
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_m3_new_events_can_still_be_appended(event, admin_user, schedule):
    audit_record(actor=admin_user, action="test.again", obj=schedule)
    assert AuditEvent.objects.for_object(schedule).count() == 2


@pytest.fixture
def superuser():
    return UserFactory(admin=True, is_superuser=True)


def test_m3_admin_site_cannot_add_change_or_delete_events(client, superuser, event):
    client.force_login(superuser)
    base = "/admin/core/auditevent/"
    assert client.get(base).status_code == 200  # the log can be read
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(f"{base}{event.pk}/change/", {"action": "tampered"})
    assert response.status_code == 403
    bulk = client.post(base, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    assert AuditEvent.objects.get(pk=event.pk).action == "test.changed"


def test_m3_admin_edit_of_holiday_schedule_is_audited(client, superuser, schedule):
    client.force_login(superuser)
    url = f"/admin/core/holidayscheduleyear/{schedule.pk}/change/"
    days = list(schedule.days.all())
    data = {
        "year": "2025",
        "notice": "新的通知名称",
        "published_on": "2024-11-12",
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": str(len(days)),
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    for i, day in enumerate(days):
        data |= {
            f"days-{i}-id": str(day.pk),
            f"days-{i}-schedule": str(schedule.pk),
            f"days-{i}-date": day.date.isoformat(),
            f"days-{i}-kind": day.kind,
            f"days-{i}-festival": day.festival,
        }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.for_object(schedule).get(action="holidayscheduleyear.updated")
    assert event.actor == superuser
    assert event.after["notice"] == "新的通知名称"
    assert event.before["notice"] != "新的通知名称"
    assert "year" not in event.after  # unchanged fields are not repeated


def test_m3_a_batch_inserts_its_events_together_in_order_with_valid_hashes(admin_user, schedule):
    from voucher.core.audit import audit_batch
    from voucher.core.audit_chain import audit_seal, audit_verify

    with transaction.atomic(), audit_batch():
        first = audit_record(actor=admin_user, action="batch.first", obj=schedule)
        second = audit_record(actor=None, action="batch.second", obj=schedule, after={"n": Decimal("1.50")})
        assert first.pk is None and not AuditEvent.objects.filter(action__startswith="batch.").exists()
    assert first.pk is not None and second.pk is not None and first.pk < second.pk
    assert list(
        AuditEvent.objects.filter(action__startswith="batch.").order_by("pk").values_list("action", flat=True)
    ) == [
        "batch.first",
        "batch.second",
    ]
    audit_seal()
    assert audit_verify().problem is None


def test_m3_a_batch_that_raises_writes_nothing(admin_user, schedule):
    from voucher.core.audit import audit_batch

    with pytest.raises(RuntimeError), transaction.atomic(), audit_batch():
        audit_record(actor=admin_user, action="batch.lost", obj=schedule)
        raise RuntimeError("boom")
    assert not AuditEvent.objects.filter(action="batch.lost").exists()
    assert audit_record(actor=admin_user, action="after.batch", obj=schedule).pk is not None

"""M3 tamper evidence: content hashes at insert, sealing into a hash chain, and verification."""

from __future__ import annotations

import datetime as dt
import hashlib
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from voucher.core import clock
from voucher.core.audit import audit_record
from voucher.core.audit_chain import audit_seal, audit_verify
from voucher.core.audit_hash import GENESIS, canonical, chain_hash, content_hash, content_hash_of
from voucher.core.models import AppendOnlyError, AuditEvent, AuditLog, HolidayScheduleYear
from voucher.testing.audit import GUARD, guard_lifted, raw_sql, record_events

pytestmark = pytest.mark.django_db


def verify_output(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def verify_failure(*args: str) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", *args)
    return str(failure.value)


# --- content hash -------------------------------------------------------------------------------


def test_m3_content_hash_is_written_with_the_event(admin_user):
    [event] = record_events(1, actor=admin_user)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert len(stored.content_hash) == 64
    assert stored.content_hash == content_hash_of(stored) == event.content_hash
    assert stored.chain_seq is None and stored.chain_hash is None


def test_m3_canonical_form_is_fixed():
    # Stored hashes depend on this exact form: a change here would break every existing chain.
    values = {
        "at": dt.datetime(2025, 6, 1, 10, 30, tzinfo=clock.SHANGHAI),
        "actor_id": 7,
        "actor_label": "管理员",
        "action": "order.placed",
        "object_type": "orders.order",
        "object_id": "12",
        "object_repr": "订单 12",
        "before": {"b": 2.0, "a": [1, 1.5, None, True]},
        "after": None,
        "note": "",
    }
    assert (
        canonical(values)
        == (
            '{"action":"order.placed","actor_id":7,"actor_label":"管理员","after":null,'
            '"at":"2025-06-01T02:30:00.000000+00:00","before":{"a":[1,1.5,null,true],"b":2},'
            '"note":"","object_id":"12","object_repr":"订单 12","object_type":"orders.order","v":1}'
        ).encode()
    )
    assert content_hash(values) == hashlib.sha256(canonical(values)).hexdigest()


def test_m3_content_hash_survives_the_database_round_trip(admin_user):
    schedule = HolidayScheduleYear.objects.get(year=2025)
    event = audit_record(
        actor=admin_user,
        action="x.changed",
        obj=schedule,
        before={"ratio": 2.0, "deep": {"z": [1.25, "中文"], "a": None}},
        after={"ratio": 0.1, "big": 10**15, "flag": False},
        note='换行\n与引号"',
    )
    assert content_hash_of(AuditEvent.objects.get(pk=event.pk)) == event.content_hash


# --- sealing ------------------------------------------------------------------------------------


def test_m3_seal_builds_a_gap_free_chain_in_id_order():
    events = record_events(5)
    result = audit_seal()
    assert result.sealed == 5
    rows = list(AuditEvent.objects.order_by("id"))
    assert [r.pk for r in rows] == [e.pk for e in events]
    assert [r.chain_seq for r in rows] == [1, 2, 3, 4, 5]
    previous = GENESIS
    for row in rows:
        assert row.chain_hash == hashlib.sha256((previous + row.content_hash).encode()).hexdigest()
        previous = row.chain_hash
    log = AuditLog.objects.get()
    assert (log.seq, log.head_hash) == (5, previous)
    assert (result.seq, result.head_hash) == (5, previous)


def test_m3_sealing_twice_changes_nothing():
    record_events(3)
    audit_seal()
    before = list(AuditEvent.objects.order_by("id").values())
    head = AuditLog.objects.values("seq", "head_hash").get()
    again = audit_seal()
    assert again.sealed == 0
    assert list(AuditEvent.objects.order_by("id").values()) == before
    assert AuditLog.objects.values("seq", "head_hash").get() == head


def test_m3_seal_continues_the_chain_in_small_batches():
    record_events(3)
    audit_seal()
    record_events(4)
    assert audit_seal(batch=2).sealed == 4
    assert list(AuditEvent.objects.order_by("chain_seq").values_list("chain_seq", flat=True)) == list(
        range(1, 8)
    )
    assert audit_verify().ok


def test_m3_seal_command_reports_the_head(capsys):
    record_events(2)
    call_command("audit_seal")
    assert "已封存 2 条；链长 2" in capsys.readouterr().out


# --- the database guard lets sealing through, and nothing else ---------------------------------


def test_m3_database_lets_only_unsealed_chain_fields_be_set():
    [event] = record_events(1)
    raw_sql("UPDATE core_auditevent SET chain_seq = 1, chain_hash = %s WHERE id = %s", ["a" * 64, event.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        raw_sql("UPDATE core_auditevent SET chain_hash = %s WHERE id = %s", ["b" * 64, event.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        raw_sql("UPDATE core_auditevent SET chain_seq = NULL, chain_hash = NULL WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).chain_hash == "a" * 64


TAMPERING = {
    "note": "UPDATE core_auditevent SET note = 'x'{seal} WHERE id = %s",
    "content_hash": "UPDATE core_auditevent SET content_hash = 'f'{seal} WHERE id = %s",
    "action": "UPDATE core_auditevent SET action = 'x'{seal} WHERE id = %s",
    "after": "UPDATE core_auditevent SET after = NULL{seal} WHERE id = %s",
    "actor_label": "UPDATE core_auditevent SET actor_label = 'x'{seal} WHERE id = %s",
    "at": "UPDATE core_auditevent SET at = '2020-01-01 00:00:00+00:00'{seal} WHERE id = %s",
}
SEALING = ", chain_seq = 1, chain_hash = 'h'"


@pytest.mark.parametrize("column", TAMPERING)
def test_m3_database_refuses_sealing_that_changes_content(column):
    [event] = record_events(1)
    for seal in (SEALING, ""):
        with pytest.raises(DatabaseError), transaction.atomic():
            raw_sql(TAMPERING[column].format(seal=seal), [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).chain_seq is None


def test_m3_sealing_may_rewrite_a_column_to_its_own_value():
    [event] = record_events(1)
    raw_sql(
        "UPDATE core_auditevent SET at = at, note = note, chain_seq = 1, chain_hash = 'h' WHERE id = %s",
        [event.pk],
    )
    assert AuditEvent.objects.get(pk=event.pk).chain_seq == 1


def test_m3_chain_fields_are_set_together():
    [event] = record_events(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        raw_sql("UPDATE core_auditevent SET chain_seq = 1 WHERE id = %s", [event.pk])


def test_m3_sealed_event_still_cannot_be_deleted():
    [event] = record_events(1)
    audit_seal()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            raw_sql("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    else:  # SQLite guards DELETE in the model layer only (see migration 0005)
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- verification -------------------------------------------------------------------------------


def test_m3_verify_reports_ok_with_counts():
    record_events(4)
    assert "OK" in verify_output("--no-seal")  # unsealed events are checked by their content hash
    out = verify_output()
    assert "OK" in out
    assert "共 4 条，已封存 4 条，未封存 0 条" in out


def test_m3_verify_without_sealing_leaves_events_unsealed():
    record_events(2)
    assert "未封存 2 条" in verify_output("--no-seal")
    assert not AuditEvent.objects.filter(chain_seq__isnull=False).exists()


def test_m3_edited_sealed_event_is_named_by_verify():
    events = record_events(5)
    audit_seal()
    target = events[2]
    with guard_lifted():
        raw_sql("UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"n": 999}', target.pk])
    result = audit_verify()
    assert not result.ok
    assert result.problem is not None and result.problem.event_id == target.pk
    message = verify_failure()
    assert f"id={target.pk}" in message
    assert "test.changed" in message
    assert "内容与内容哈希不符" in message


def test_m3_edit_with_recomputed_content_hash_breaks_the_chain():
    events = record_events(4)
    audit_seal()
    target = events[1]
    forged = AuditEvent.objects.get(pk=target.pk)
    forged.note = "事后补记"
    with guard_lifted():
        raw_sql(
            "UPDATE core_auditevent SET note = %s, content_hash = %s WHERE id = %s",
            [forged.note, content_hash_of(forged), target.pk],
        )
    result = audit_verify()
    assert result.problem is not None and result.problem.event_id == target.pk
    assert "链哈希" in result.problem.reason


def test_m3_edited_unsealed_event_is_detected():
    events = record_events(3)
    with guard_lifted():
        raw_sql("UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["别人", events[0].pk])
    message = verify_failure("--no-seal")
    assert f"id={events[0].pk}" in message


def test_m3_deleted_event_is_detected():
    events = record_events(5)
    audit_seal()
    with guard_lifted():
        raw_sql("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    result = audit_verify()
    assert result.problem is not None
    assert result.problem.event_id == events[3].pk  # the entry right after the gap
    assert "序号 3 的条目已被删除" in result.problem.reason
    assert f"id={events[3].pk}" in verify_failure()


def test_m3_deleted_last_event_is_detected_by_the_head():
    events = record_events(3)
    audit_seal()
    with guard_lifted():
        raw_sql("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    assert "末尾的条目已被删除" in verify_failure()


def test_m3_event_inserted_with_a_forged_hash_is_detected():
    events = record_events(2)
    audit_seal()
    forged = AuditEvent(
        at=clock.now(),
        actor_label="系统",
        action="test.forged",
        object_type="core.holidayscheduleyear",
        object_id="1",
        object_repr="伪造",
    )
    raw_sql(
        "INSERT INTO core_auditevent (at, actor_label, action, object_type, object_id, object_repr, note, "
        "content_hash) VALUES (%s, %s, %s, %s, %s, %s, '', %s)",
        [
            forged.at,
            forged.actor_label,
            forged.action,
            forged.object_type,
            forged.object_id,
            forged.object_repr,
            "0" * 64,
        ],
    )
    message = verify_failure()
    assert "test.forged" in message
    assert events  # the genuine ones stay fine
    assert audit_verify().problems == 1


def test_m3_event_inserted_into_the_chain_beyond_its_head_is_detected():
    events = record_events(2)
    audit_seal()
    last = AuditEvent.objects.get(pk=events[-1].pk)
    values = {
        "at": clock.now(),
        "actor_id": None,
        "actor_label": "系统",
        "action": "test.forged",
        "object_type": "core.holidayscheduleyear",
        "object_id": "1",
        "object_repr": "伪造",
        "before": None,
        "after": None,
        "note": "",
    }
    digest = content_hash(values)
    raw_sql(
        "INSERT INTO core_auditevent (at, actor_label, action, object_type, object_id, object_repr, note, "
        "content_hash, chain_seq, chain_hash) VALUES (%s, %s, %s, %s, %s, %s, '', %s, 3, %s)",
        [
            values["at"],
            "系统",
            "test.forged",
            "core.holidayscheduleyear",
            "1",
            "伪造",
            digest,
            chain_hash(last.chain_hash or "", digest),
        ],
    )
    assert "伪造插入" in verify_failure("--no-seal")


def test_m3_upgrade_hashes_existing_events(admin_user):
    # Events recorded before migration 0005 have no content hash; the migration computes it.
    events = record_events(3, actor=admin_user)
    with guard_lifted():
        raw_sql("UPDATE core_auditevent SET content_hash = ''")
    from django.apps import apps

    # The migration only runs SQL; SQLite's schema editor cannot open inside the test's transaction.
    editor = SimpleNamespace(connection=connection, execute=lambda sql: raw_sql(sql))
    GUARD.forward(apps, editor)
    assert [e.content_hash for e in AuditEvent.objects.order_by("id")] == [e.content_hash for e in events]
    assert "OK" in verify_output()
    with pytest.raises(DatabaseError), transaction.atomic():  # and the guard is back
        raw_sql("UPDATE core_auditevent SET note = 'x' WHERE id = %s", [events[0].pk])

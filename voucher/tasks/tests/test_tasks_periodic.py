"""The scheduled tasks (issue 20): each run twice at the same moment, on its own connection, changes
nothing twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import contextvars
import datetime as dt
import threading
import uuid
from typing import Any

import pytest
from django.db import connection

from voucher.accounts.choices import Role
from voucher.catalogue.models import Product
from voucher.claims.models import Claim
from voucher.contracts import services as contract_services
from voucher.core import clock
from voucher.core.audit_chain import audit_verify
from voucher.core.models import AuditEvent, HolidayScheduleYear, Notification
from voucher.core.notifications import notify
from voucher.enforcement.invariants import ledger_mismatches
from voucher.orders import services as order_services
from voucher.orders.choices import OrderStatus
from voucher.orders.models import Order
from voucher.programmes.models import ProgrammeYear
from voucher.tasks.choices import DeliveryStatus
from voucher.tasks.models import Delivery
from voucher.tasks.schedule import SCHEDULE
from voucher.tasks.tasks import (
    audit_seal_task,
    audit_verify_task,
    claims_sweep_task,
    holiday_schedule_check_task,
    orders_sweep_task,
    outbox_redispatch_task,
)
from voucher.testing.audit import guard_lifted, raw_sql
from voucher.testing.builders import ORDER_DAY, make_eligible, make_product
from voucher.testing.contracts import place_and_accept, terms
from voucher.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LATE = dt.datetime(2025, 9, 15, 10, 0, tzinfo=clock.SHANGHAI)


def twice_at_once(task: Any, moment: dt.datetime) -> list[Any]:
    """Run ``task`` as a worker would, in two threads at the same moment, each with its own connection."""
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]

    def worker(index: int) -> None:
        def call() -> None:
            with clock.frozen_at(moment):
                barrier.wait()
                try:
                    results[index] = task.apply(throw=True).result
                except Exception as exc:  # reported by the assertions
                    results[index] = exc
                finally:
                    connection.close()

        contextvars.copy_context().run(call)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def no_errors(results: list[Any]) -> list[Any]:
    assert not [r for r in results if isinstance(r, Exception)], results
    return results


@pytest.fixture
def business():
    """One order never accepted, one contract whose claim period ended unfiled, an admin to alert."""
    programme = ProgrammeYear.objects.get(year=2025)
    admin = UserFactory(role=Role.ADMIN)
    provider = UserFactory(provider=True)
    with clock.frozen_at(ORDER_DAY):
        buyer = make_eligible(UserFactory(organisation=OrganisationFactory(enterprise=True)), programme)
        product = make_product(programme, provider=provider, vouchers=5)
        order = order_services.order_place(
            actor=buyer,
            product=product,
            idempotency_key=uuid.uuid4().hex,
            contact_name="王经理",
            contact_mobile="13912345678",
        )
        accepted = place_and_accept(buyer, make_product(programme, provider=provider), provider)
        contract = contract_services.contract_record(
            actor=provider, order=accepted, terms=terms(end=dt.date(2025, 8, 31))
        )
        contract_services.contract_confirm(actor=buyer, contract=contract)
    return {"admin": admin, "order": order, "product": product}


def test_tasks_schedule_is_in_the_database_and_names_real_tasks():
    from django_celery_beat.models import PeriodicTask

    from config.celery import app

    rows = {t.name: t for t in PeriodicTask.objects.all()}
    assert {e.name for e in SCHEDULE} <= set(rows)
    for entry in SCHEDULE:
        assert rows[entry.name].task in app.tasks
        assert rows[entry.name].enabled
        assert str(rows[entry.name].crontab.timezone) == "Asia/Shanghai"
    assert rows["订单超时取消与接单提醒"].crontab.minute == "*"
    assert rows["审计日志封存"].crontab.minute == "*"


def test_tasks_orders_sweep_twice_at_once_cancels_and_returns_the_voucher_once(business):
    results = no_errors(twice_at_once(orders_sweep_task, LATE))
    assert sorted(r["expired"] for r in results) == [0, 1]
    order = Order.objects.get(pk=business["order"].pk)
    assert order.status == OrderStatus.EXPIRED
    assert Product.objects.get(pk=business["product"].pk).vouchers_left == 5
    assert AuditEvent.objects.filter(action="order.expired").count() == 1
    assert ledger_mismatches() == []


def test_tasks_claims_sweep_twice_at_once_waives_once(business):
    results = no_errors(twice_at_once(claims_sweep_task, LATE))
    assert sorted(results) == [0, 1]
    assert Claim.objects.filter(status="waived", waived_automatically=True).count() == 1
    assert AuditEvent.objects.filter(action="claim.auto_waived").count() == 1
    assert ledger_mismatches() == []


def test_tasks_audit_seal_twice_at_once_seals_each_event_once(business):
    total = AuditEvent.objects.count()
    results = no_errors(twice_at_once(audit_seal_task, LATE))
    assert sum(results) == total
    result = audit_verify()
    assert result.ok and (result.sealed, result.unsealed) == (total, 0)


def test_tasks_audit_verify_failure_alerts_the_bureau_once(business):
    audit_seal_task.apply()
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    with guard_lifted():
        raw_sql("UPDATE core_auditevent SET note = 'x' WHERE id = %s", [event.pk])
    results = no_errors(twice_at_once(audit_verify_task, LATE))
    assert results == [False, False]
    alerts = Notification.objects.filter(kind="audit_verify_failed")
    assert list(alerts.values_list("recipient", flat=True)) == [business["admin"].pk]
    assert AuditEvent.objects.filter(action="audit_log.verify_failed").count() == 1


def test_tasks_audit_verify_on_an_intact_log_alerts_nobody(business):
    audit_seal_task.apply()
    assert no_errors(twice_at_once(audit_verify_task, LATE)) == [True, True]
    assert not Notification.objects.filter(kind="audit_verify_failed").exists()


def test_tasks_holiday_check_alerts_once_when_next_year_is_missing(business):
    assert set(HolidayScheduleYear.objects.values_list("year", flat=True)) >= {2025, 2026}
    in_october = dt.datetime(2026, 10, 30, 9, 0, tzinfo=clock.SHANGHAI)
    assert no_errors(twice_at_once(holiday_schedule_check_task, in_october)) == [None, None]
    november = dt.datetime(2026, 11, 2, 9, 0, tzinfo=clock.SHANGHAI)
    assert no_errors(twice_at_once(holiday_schedule_check_task, november)) == [2027, 2027]
    alerts = Notification.objects.filter(kind="holiday_schedule_missing")
    assert [(a.recipient_id, a.title) for a in alerts] == [(business["admin"].pk, "请录入 2027 年节假日安排")]
    november_2025 = dt.datetime(2025, 11, 3, 9, 0, tzinfo=clock.SHANGHAI)  # 2026 is on record
    assert no_errors(twice_at_once(holiday_schedule_check_task, november_2025)) == [None, None]


def test_tasks_outbox_redispatch_twice_at_once_sends_once(settings, business):
    settings.VOUCHER_NOTIFICATION_SENDERS = ["voucher.testing.senders.RecordingSender"]
    from voucher.testing.senders import RecordingSender

    RecordingSender.sent = []
    with clock.frozen_at(LATE - dt.timedelta(minutes=10)):
        # Written outside a transaction's on_commit capture: the publish runs at once here, so drop it.
        notify(recipients=[business["admin"]], kind="order_placed", title="新订单")
    Delivery.objects.update(status=DeliveryStatus.PENDING, attempts=0, sent_at=None)
    RecordingSender.sent = []
    results = no_errors(twice_at_once(outbox_redispatch_task, LATE))
    assert sorted(r["deliveries"] for r in results) in ([0, 1], [1, 1])
    assert RecordingSender.sent == ["新订单"]
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)

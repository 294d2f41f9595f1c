"""Tasks on real brokers (issue 20): RabbitMQ on 127.0.0.1:5672 and the demo's SQLite transport, with
real worker processes.

A task enqueued in a transaction that rolls back never runs; one that commits runs exactly once; a worker
killed (SIGKILL) in the middle of a job leaves it to another worker, which finishes it with the ledger
intact; periodic tasks published twice to two workers change nothing twice. The RabbitMQ cases are
skipped only when no broker answers on 127.0.0.1:5672 (and never in CI).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from kombu import Connection, Queue

from config.celery import app as celery_app
from voucher.core import clock
from voucher.core.audit_chain import audit_verify
from voucher.core.models import AuditEvent
from voucher.core.notifications import notify
from voucher.enforcement.invariants import ledger_mismatches
from voucher.orders import services as order_services
from voucher.orders.choices import OrderStatus
from voucher.orders.models import Order
from voucher.payouts.models import PayoutBatch
from voucher.programmes.models import ProgrammeYear
from voucher.tasks import services
from voucher.tasks.choices import DeliveryStatus, JobStatus
from voucher.tasks.models import Delivery, Job
from voucher.tasks.tasks import audit_seal_task, deliver, orders_sweep_task
from voucher.testing.builders import ORDER_DAY, make_eligible, make_product
from voucher.testing.factories import OrganisationFactory, UserFactory

RABBITMQ = os.environ.get("VOUCHER_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
QUEUE = settings.CELERY_TASK_DEFAULT_QUEUE
ROOT = Path(__file__).resolve().parents[3]


def _broker_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=2):
            return True
    except OSError:
        return False


# CI sets VOUCHER_REQUIRE_BROKER, so a broker that is down fails the run instead of skipping.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(params=["rabbitmq", "sqlite"])
def broker(request: Any, tmp_path: Path) -> str:
    """RabbitMQ (production) and kombu's SQLAlchemy transport on a SQLite file (the demo's, no server)."""
    if request.param == "sqlite":
        return f"sqla+sqlite:///{tmp_path / 'celery.sqlite3'}"
    if not _broker_up() and not os.environ.get("VOUCHER_REQUIRE_BROKER"):
        pytest.skip("no RabbitMQ on 127.0.0.1:5672")
    return RABBITMQ


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _purge(url: str) -> None:
    with Connection(url) as conn:
        queue = Queue(QUEUE, durable=True)(conn.channel())
        queue.declare()
        queue.purge()


def _queued(url: str) -> int:
    with Connection(url) as conn:
        _, count, _ = Queue(QUEUE, durable=True)(conn.channel()).queue_declare(passive=True)
        return int(count)


@pytest.fixture
def rabbit(monkeypatch: Any, broker: str) -> Iterator[None]:
    """This process publishes to the broker instead of running tasks itself."""
    _purge(broker)
    monkeypatch.setitem(celery_app.conf, "broker_url", broker)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    celery_app._after_fork()  # drop connections made for the previous broker
    yield
    monkeypatch.undo()
    celery_app._after_fork()


@pytest.fixture
def workers(tmp_path: Path, broker: str) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start real worker processes (solo pool: the task runs in the process a test may kill)."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str, marker: Path | None = None) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "VOUCHER_TEST_MARKER": str(marker or ""),
        }
        log = (tmp_path / f"{name}.log").open("wb")
        command = [sys.executable, "-m", "celery", "-A", "voucher.tasks.tests.slow_worker", "worker"]
        command += ["--pool", "solo", "--loglevel", "INFO", "--hostname", f"{name}-{uuid.uuid4().hex[:6]}@%h"]
        command += [
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--prefetch-multiplier",
            "1",
        ]
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    _purge(broker)


def wait_for(check: Callable[[], Any], timeout: float = 90, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what or check}")


def test_tasks_real_broker_rollback_never_runs_and_commit_runs_once(
    settings, broker, rabbit, workers, provider_user
):
    settings.VOUCHER_NOTIFICATION_SENDERS = ["voucher.core.notifications.senders.EmailSender"]
    provider_user.email = "ops@example.cn"
    provider_user.save()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[provider_user], kind="order_placed", title="回滚的通知")
        raise RuntimeError("service failed")
    assert _queued(broker) == 0  # nothing was published
    assert not Delivery.objects.exists()
    with transaction.atomic():
        notify(recipients=[provider_user], kind="order_placed", title="提交的通知")
    assert _queued(broker) == 1  # published after commit, before any worker runs
    workers("w1")
    delivery = wait_for(
        lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).first(), what="the delivery to be sent"
    )
    assert (delivery.notification.title, delivery.attempts) == ("提交的通知", 1)
    deliver.delay(delivery.pk)  # the same message again (a redelivery): nothing more happens
    wait_for(lambda: _queued(broker) == 0, what="the duplicate to be consumed")
    time.sleep(1)
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert Delivery.objects.count() == 1


def test_tasks_real_broker_worker_killed_mid_job_another_finishes(
    broker, rabbit, workers, approved, admin_user, tmp_path
):
    marker = tmp_path / "started"
    first = workers("doomed", marker=marker)
    with transaction.atomic():
        job = services.payout_export_job_start(actor=admin_user, batch=approved)
    wait_for(marker.exists, what="the first worker to be in the middle of the job")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=20)
    assert Job.objects.get(pk=job.pk).status == JobStatus.PENDING  # its transaction died with it
    assert PayoutBatch.objects.get(pk=approved.pk).export_count == 0
    workers("rescuer")
    if broker.startswith("sqla"):
        # The SQLite transport forgets a message once a worker fetched it; the outbox sweep publishes
        # the still-pending job again (RabbitMQ redelivers the unacknowledged message by itself).
        later = clock.now() + dt.timedelta(seconds=settings.VOUCHER_OUTBOX_STALE_SECONDS + 60)
        with clock.frozen_at(later):
            assert services.jobs_redispatch() == 1
    wait_for(lambda: Job.objects.get(pk=job.pk).status != JobStatus.PENDING, what="the job to finish")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100 and job.file
    batch = PayoutBatch.objects.get(pk=approved.pk)
    assert batch.export_count == 1
    assert AuditEvent.objects.filter(action="payout_batch.exported").count() == 1
    assert ledger_mismatches() == []
    out = StringIO()
    call_command("ledger_check", stdout=out)
    assert "0 处不一致" in out.getvalue()


def test_tasks_real_broker_periodic_tasks_twice_on_two_workers_change_nothing_twice(broker, rabbit, workers):
    programme = ProgrammeYear.objects.get(year=2025)
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
    assert order.acceptance_deadline < clock.today() - dt.timedelta(days=1)
    events = AuditEvent.objects.count()
    for task in (orders_sweep_task, audit_seal_task):
        task.delay()
        task.delay()
    workers("a")
    workers("b")
    wait_for(lambda: Order.objects.get(pk=order.pk).status == OrderStatus.EXPIRED, what="the sweep")
    wait_for(lambda: _queued(broker) == 0, what="all four tasks to be consumed")
    time.sleep(2)
    product.refresh_from_db()
    assert product.vouchers_left == 5
    assert AuditEvent.objects.filter(action="order.expired").count() == 1
    assert ledger_mismatches() == []
    audit_seal_task.apply()  # the expiry's own events
    result = audit_verify()  # one gap-free chain: no event sealed twice by the two sealers
    assert result.ok and result.unsealed == 0 and result.sealed > events

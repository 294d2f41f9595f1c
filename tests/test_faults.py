"""Faults in the middle of a write leave no partial state (issue 11, item 6).

A database error is injected at each late step of placing an order, recording a contract and approving a
claim (the voucher UPDATE, the quota-ledger move, the audit write, …): every row count, every quota
account, every voucher count and the claim stay exactly as they were. A worker process killed while it
holds an open transaction (after its first writes, before the commit) leaves nothing half-done either,
and the rows it had locked are free again.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import OperationalError, connection

from voucher.catalogue.models import Product
from voucher.claims import services as claim_services
from voucher.claims.models import Claim
from voucher.contracts import services as contract_services
from voucher.contracts.models import Contract
from voucher.core.models import AuditEvent
from voucher.enterprises.models import CreditCheck, QuotaAccount, QuotaLedgerEntry
from voucher.orders.models import Order
from voucher.testing.builders import place_order
from voucher.testing.claims import claim, contract, filled, on_claim_day, submitted  # noqa: F401
from voucher.testing.contracts import (
    order,  # noqa: F401
    terms,
)
from voucher.testing.orders import another_buyer, buyer, on_order_day, product, provider  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
# Credit checks are stored on their own before the write's transaction, on purpose (a failed check stays on
# record, with its audit event); everything else must be exactly as before the fault.
OWN_RECORDS = {CreditCheck}


def state() -> dict:
    """Every table's row count, every quota account, every voucher count and every claim's decision."""
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model not in OWN_RECORDS and not model._meta.proxy
    }
    counts["core.AuditEvent"] = AuditEvent.objects.exclude(action="credit.checked").count()
    return {
        "counts": counts,
        "accounts": list(
            QuotaAccount.objects.order_by("pk").values_list(
                "pk", "available", "reserved", "committed", "paid"
            )
        ),
        "vouchers": list(Product.objects.order_by("pk").values_list("pk", "vouchers_left")),
        "orders": list(Order.objects.order_by("pk").values_list("pk", "status")),
        "contracts": list(Contract.objects.order_by("pk").values_list("pk", "status", "deduction")),
        "claims": list(
            Claim.objects.order_by("pk").values_list(
                "pk", "status", "approved_payout", "decided_at", "quota_settled_at"
            )
        ),
    }


def changes(before: dict, after: dict) -> dict:
    """What differs between two snapshots, for a readable failure."""
    diff = {
        k: (v, after["counts"].get(k)) for k, v in before["counts"].items() if after["counts"].get(k) != v
    }
    diff.update({k: (before[k], after[k]) for k in before if k != "counts" and before[k] != after[k]})
    return diff


def table(model) -> str:
    return model._meta.db_table


@contextmanager
def database_error_on(pattern: str):
    """Make the first statement whose SQL matches ``pattern`` fail as a broken connection would."""
    seen: list[str] = []

    def wrapper(execute, sql, params, many, context):
        if not seen and re.search(pattern, sql, re.IGNORECASE):
            seen.append(sql)
            raise OperationalError("injected fault")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen
    assert seen, f"no statement matched {pattern!r}: the fault was never injected"


def fails_cleanly_then_succeeds(step: str, act: Callable[[], Any]) -> tuple[dict, Any]:
    """``act()`` with a database error injected at ``step`` raises and changes nothing; then, run again without
    the fault, it succeeds. Returns the state before and the second result."""
    before = state()
    with database_error_on(step), pytest.raises(OperationalError):
        act()
    assert not changes(before, state())
    return before, act()


VOUCHER_UPDATE = rf'^UPDATE "{table(Product)}" SET "vouchers_left"'  # noqa: S608
LEDGER_INSERT = rf'^INSERT INTO "{table(QuotaLedgerEntry)}"'
ACCOUNT_UPDATE = rf'^UPDATE "{table(QuotaAccount)}"'
AUDIT_INSERT = rf'^INSERT INTO "{table(AuditEvent)}"'
ORDER_INSERT = rf'^INSERT INTO "{table(Order)}"'
CONTRACT_INSERT = rf'^INSERT INTO "{table(Contract)}"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    "step",
    [ORDER_INSERT, LEDGER_INSERT, ACCOUNT_UPDATE, AUDIT_INSERT, VOUCHER_UPDATE],
    ids=["order-row", "ledger-move", "account-update", "audit-write", "voucher-update"],
)
def test_o3_o5_a_database_error_while_placing_an_order_leaves_nothing(buyer, product, step):  # noqa: F811
    # And the same order goes through afterwards: nothing was left locked or half-counted.
    before, _ = fails_cleanly_then_succeeds(step, lambda: place_order(buyer, product))
    product.refresh_from_db()
    assert product.vouchers_left == before["vouchers"][-1][1] - 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "step",
    [CONTRACT_INSERT, LEDGER_INSERT, ACCOUNT_UPDATE, AUDIT_INSERT],
    ids=["contract-row", "ledger-move", "account-update", "audit-write"],
)
def test_c1_a_database_error_while_recording_a_contract_leaves_nothing(order, provider, step):  # noqa: F811
    _, recorded = fails_cleanly_then_succeeds(
        step,
        lambda: contract_services.contract_record(
            actor=provider, order=order, terms=terms(number="HT-FAULT-1")
        ),
    )
    assert recorded.deduction == Decimal("30000.00")


CLAIM_DECISION_INSERT = r'^INSERT INTO "claims_claimdecision"'
CLAIM_UPDATE = r'^UPDATE "claims_claim" SET .*"status"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    "step",
    [LEDGER_INSERT, ACCOUNT_UPDATE, CLAIM_UPDATE, CLAIM_DECISION_INSERT, AUDIT_INSERT],
    ids=["ledger-move", "account-update", "claim-update", "decision-row", "audit-write"],
)
def test_r6_a_database_error_while_approving_a_claim_leaves_nothing(submitted, reviewer_user, step):  # noqa: F811
    # A reduced payout, so the approval moves the ledger (the cut goes back to the enterprise).
    _, approved = fails_cleanly_then_succeeds(
        step,
        lambda: claim_services.claim_decide(
            actor=reviewer_user, claim=submitted, action="approve", payout="25000.00", reason="发票金额不符"
        ),
    )
    assert approved.approved_payout == Decimal("25000.00")


# --- a worker killed in the middle of its transaction ------------------------------------------------------

WORKER = r"""
import sys, time, uuid
import django
django.setup()
from django.db import connection
from voucher.accounts.models import User
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.orders import services
from voucher.testing.builders import ORDER_DAY

table = Product._meta.db_table

def stall(execute, sql, params, many, context):
    # The voucher UPDATE is the last statement of an order: the order row, the ledger move and the audit
    # event are written by now, inside the open transaction. Say so, then hang until killed.
    if sql.startswith(f'UPDATE "{table}" SET "vouchers_left"'):
        pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
        print("IN-TRANSACTION", pid, flush=True)
        time.sleep(120)
    return execute(sql, params, many, context)

user = User.objects.get(pk=int(sys.argv[1]))
product = Product.objects.get(pk=int(sys.argv[2]))
with clock.frozen_at(ORDER_DAY), connection.execute_wrapper(stall):
    services.order_place(
        actor=user, product=product, idempotency_key=uuid.uuid4().hex,
        contact_name="王经理", contact_mobile="13912345678",
    )
print("COMMITTED", flush=True)
"""


def database_url() -> str:
    """A URL for the database the tests run on, for a worker in another process."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        host = settings.get("HOST") or "127.0.0.1"
        port = settings.get("PORT") or 5432
        user = settings.get("USER") or "postgres"
        return f"postgres://{user}@{host}:{port}/{settings['NAME']}"
    return f"sqlite:///{settings['NAME']}"


def worker_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATABASE_URL=database_url(), DJANGO_SETTINGS_MODULE="config.settings.test")
    return env


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_o3_a_worker_killed_mid_transaction_leaves_nothing_half_done(buyer, product):  # noqa: F811
    """The worker has written the order, the ledger move and the audit event, and holds the account and the
    order locks; it is killed (on PostgreSQL its backend is terminated first, as an operator or the OOM
    killer would). Nothing of it remains and the next order goes through at once."""
    before = state()
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", WORKER, str(buyer.pk), str(product.pk)],
        cwd=ROOT,
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = worker.stdout.readline()
        assert line.startswith("IN-TRANSACTION"), (line, worker.stderr.read() if worker.poll() else "")
        backend = line.split()[1]
        # Uncommitted: nobody else sees the worker's writes.
        assert not changes(before, state())
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [int(backend)])
                assert cursor.fetchone()[0] is True
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == -signal.SIGKILL
    assert not changes(before, state())
    assert not Order.objects.exists()
    # The locks died with the transaction: the same enterprise orders the same product straight away.
    placed = place_order(buyer, product)
    product.refresh_from_db()
    assert product.vouchers_left == before["vouchers"][-1][1] - 1
    assert QuotaLedgerEntry.objects.filter(reference=placed.number).count() == 1


# --- the sweepers from two processes at once --------------------------------------------------------------
# (tests in voucher/orders and voucher/claims run them from threads; here they are separate processes, as two
# cron hosts would run them.)

SWEEPER = r"""
import datetime as dt, sys, time
import django
django.setup()
from voucher.claims.services import claims_sweep
from voucher.core import clock
from voucher.orders.services import orders_sweep

start = float(sys.argv[1])
time.sleep(max(0.0, start - time.time()))
with clock.frozen_at(dt.datetime(2025, 9, 15, 9, 0, tzinfo=clock.SHANGHAI)):
    orders = orders_sweep()["expired"]
    claims = len(claims_sweep())
print("SWEPT", orders, claims, flush=True)
"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_o6_r5_sweepers_in_two_processes_release_exactly_once(contract, buyer, provider, programme_2025):  # noqa: F811
    """An overdue order and a contract whose claim period ended unfiled: two sweeping processes started at
    the same moment cancel the order once and waive the claim once; every release is booked once."""
    import time

    from voucher.core import clock
    from voucher.testing.builders import ORDER_DAY, make_product

    product = make_product(programme_2025, provider=provider)  # noqa: F811
    with clock.frozen_at(ORDER_DAY):
        overdue = place_order(buyer, product)
    vouchers = Product.objects.get(pk=product.pk).vouchers_left
    start = time.time() + 4
    sweepers = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", SWEEPER, str(start)],
            cwd=ROOT,
            env=worker_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for sweeper in sweepers:
        out, err = sweeper.communicate(timeout=180)
        assert sweeper.returncode == 0, err[-2000:]
        results.append(out.split()[-2:])
    assert sorted(int(r[0]) for r in results) == [0, 1], results
    assert sorted(int(r[1]) for r in results) == [0, 1], results
    overdue.refresh_from_db()
    assert overdue.status == "expired"
    assert Product.objects.get(pk=product.pk).vouchers_left == vouchers + 1
    assert QuotaLedgerEntry.objects.filter(reference=overdue.number, kind="release").count() == 1
    assert Claim.objects.filter(contract=contract, status="waived").count() == 1
    assert AuditEvent.objects.filter(action="claim.auto_waived").count() == 1
    account = QuotaAccount.objects.get(organisation=buyer.organisation, programme=product.programme)
    assert account.reserved == 0 and account.committed == 0
    assert account.available + account.reserved + account.committed + account.paid == account.cap

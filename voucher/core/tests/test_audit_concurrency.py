"""M3 sealing under real concurrency: threads with their own database connections (SQLite and PostgreSQL).

Business transactions keep inserting events while several sealers run; the result is one gap-free chain.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from voucher.core.audit_chain import audit_seal, audit_verify
from voucher.core.models import AuditEvent, AuditLog
from voucher.testing.audit import record_events

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_together(jobs):
    """Start every job at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(index, job):
        barrier.wait()
        try:
            results[index] = job()
        except Exception as exc:  # reported by the assertions
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def assert_one_gap_free_chain(total: int) -> None:
    seqs = list(AuditEvent.objects.order_by("chain_seq").values_list("chain_seq", flat=True))
    assert seqs == list(range(1, total + 1))
    assert AuditLog.objects.get().seq == total
    result = audit_verify()
    assert result.ok, result.problem
    assert (result.sealed, result.unsealed) == (total, 0)


def test_m3_concurrent_sealers_build_one_chain():
    record_events(120)
    results = run_together([lambda: audit_seal(batch=7) for _ in range(4)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.sealed for r in results) == 120  # every event sealed exactly once
    assert_one_gap_free_chain(120)


def test_m3_sealing_while_business_transactions_insert():
    record_events(20)

    def insert():
        return len(record_events(15))

    def seal():
        return sum(audit_seal(batch=5).sealed for _ in range(5))

    results = run_together([insert, insert, insert, seal, seal, seal])
    assert not [r for r in results if isinstance(r, Exception)], results
    audit_seal()
    assert_one_gap_free_chain(20 + 3 * 15)

"""Helpers for ordering tests and benchmarks: the order-day fixtures (an eligible buyer, a provider, a product
on sale), a sanction recorded directly (SPEC M5, E7), and jobs started at the same moment (O3).

A ``conftest.py`` that needs the fixtures imports them from here."""

from __future__ import annotations

import contextvars
import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from voucher.core import clock
from voucher.enforcement.choices import ViolationKind
from voucher.enforcement.models import Sanction
from voucher.testing.builders import ORDER_DAY, make_eligible, make_product
from voucher.testing.factories import OrganisationFactory, UserFactory


@pytest.fixture
def on_order_day():
    with clock.frozen_at(ORDER_DAY) as moment:
        yield moment


@pytest.fixture
def buyer(enterprise_user, programme_2025, on_order_day):
    """An authenticated, classified small enterprise (software, I65) with 200,000 available."""
    return make_eligible(enterprise_user, programme_2025)


@pytest.fixture
def provider(db):
    return UserFactory(provider=True)


@pytest.fixture
def product(programme_2025, provider):
    return make_product(programme_2025, provider=provider)


@pytest.fixture
def another_buyer(programme_2025, on_order_day):
    return make_eligible(UserFactory(organisation=OrganisationFactory(enterprise=True)), programme_2025)


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job at the same moment, each in its own thread and database connection; a job refused
    with a ``ValidationError`` gives its code."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(index: int, job: Callable[[], Any]) -> None:
        def call() -> None:
            with clock.frozen_at(ORDER_DAY):
                barrier.wait()
                try:
                    results[index] = job()
                except ValidationError as exc:
                    results[index] = (
                        next(e.code for errs in exc.error_dict.values() for e in errs)
                        if hasattr(exc, "error_dict")
                        else exc.code
                    )
                finally:
                    connection.close()

        contextvars.copy_context().run(call)

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def make_sanction(
    organisation: Any,
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    kind: str = ViolationKind.TRANSFER,
    lifted: bool = False,
) -> Sanction:
    """A sanction row against ``organisation`` running ``starts_on``..``ends_on`` (optionally lifted)."""
    admin: Any = UserFactory(admin=True)
    return Sanction.objects.create(
        organisation=organisation,
        kind=kind,
        facts="转让服务券",
        starts_on=starts_on,
        ends_on=ends_on,
        decided_at=clock.now(),
        decided_by=admin,
        lifted_at=clock.now() if lifted else None,
        lifted_by=admin if lifted else None,
        lift_reason="复核后解除" if lifted else "",
    )

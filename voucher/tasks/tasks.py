"""Celery tasks: thin wrappers around services, each idempotent (safe to run twice or on two workers).

The schedule that runs the periodic ones is in the database (django-celery-beat, 管理后台 → 周期任务),
installed by this app's migrations; see :mod:`voucher.tasks.schedule`.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from voucher.claims.services import claims_sweep
from voucher.core.audit_chain import audit_seal
from voucher.core.notifications import deliveries_redispatch, delivery_attempt
from voucher.orders.services import orders_sweep
from voucher.tasks import services


@shared_task(name="voucher.deliver")
def deliver(delivery_id: int) -> str:
    """Send one outside delivery (e-mail, SMS); failures are retried with back-off by the service."""
    return delivery_attempt(delivery_id)


def publish_delivery(delivery_id: int, countdown: float | None) -> None:
    """How the notification outbox hands a delivery to the workers (installed in ``AppConfig.ready``)."""
    deliver.apply_async((delivery_id,), countdown=countdown)


@shared_task(name="voucher.job_run")
def job_run_task(job_id: int) -> str:
    """Run one long job (payment file, audit export) with progress."""
    return services.job_run(job_id)


@shared_task(name="voucher.orders_sweep")
def orders_sweep_task() -> dict[str, int]:
    """Cancel orders past their acceptance window; remind providers of orders due today."""
    return orders_sweep()


@shared_task(name="voucher.claims_sweep")
def claims_sweep_task() -> int:
    """Waive the claims of contracts whose claim period ended unfiled (R5)."""
    return len(claims_sweep())


@shared_task(name="voucher.audit_seal")
def audit_seal_task() -> int:
    """Seal new audit events into the hash chain."""
    return audit_seal().sealed


@shared_task(name="voucher.audit_verify")
def audit_verify_task() -> bool:
    """Verify the audit hash chain; a failure alerts the Bureau."""
    return services.audit_verify_nightly()


@shared_task(name="voucher.holiday_schedule_check")
def holiday_schedule_check_task() -> int | None:
    """Alert when next year's holiday schedule is missing."""
    return services.holiday_schedule_check()


@shared_task(name="voucher.outbox_redispatch")
def outbox_redispatch_task() -> dict[str, Any]:
    """Publish again deliveries and jobs still pending a few minutes after they were due."""
    return {"deliveries": deliveries_redispatch(), "jobs": services.jobs_redispatch()}

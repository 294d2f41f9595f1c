"""The Celery app for the real-broker tests' workers, with jobs slowed down so a test can kill a worker
in the middle of one: every payment-file row reports progress and then pauses; the first report touches
the file named by ``VOUCHER_TEST_MARKER``.

    celery -A voucher.tasks.tests.slow_worker worker --pool solo
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from celery import signals

from config.celery import app

__all__ = ["app"]

PAUSE = float(os.environ.get("VOUCHER_TEST_PAUSE", "1.5"))


@signals.worker_init.connect
def _slow_down(**_: Any) -> None:
    from voucher.payouts import export
    from voucher.tasks import services

    export.PROGRESS_EVERY = 1
    reporter = services._reporter

    def slow_reporter(job: Any) -> Any:
        report = reporter(job)

        def pausing(done: int, total: int) -> None:
            report(done, total)
            marker = os.environ.get("VOUCHER_TEST_MARKER")
            if marker:
                Path(marker).touch()
            time.sleep(PAUSE)

        return pausing

    services._reporter = slow_reporter

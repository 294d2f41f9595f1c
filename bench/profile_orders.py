#!/usr/bin/env python
"""Profile one process placing orders and refusing sold-out submissions (pyinstrument).

    .venv/bin/python bench/profile_orders.py     # after bench/voucher_grab.py, on the database it left

It runs in one process with the benchmark's settings (production settings, Redis cache, PostgreSQL), on the
database that ``bench/voucher_grab.py`` prepared: a new product with enough vouchers and one already sold out,
and the benchmark's logged-in enterprises. Requests go through Django's WSGI handler with the whole
middleware stack and CSRF checks (``django.test.Client``), without an HTTP server, so the profile shows the
platform's own cost per request. Prints the top of each profile and the wall time per request.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/voucher_bench"),
    )
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--refusals", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=45, help="lines of each profile to print")
    parser.add_argument(
        "--cpu", action="store_true", help="profile CPU time with cProfile (sorted by own time) instead"
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    os.environ.setdefault("VOUCHER_NOTIFICATION_SENDERS", "")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from voucher_grab import BENCH_QUEUE, purge_bench_queue

    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = BENCH_QUEUE  # emptied at the end, as by the benchmark

    import django

    django.setup()
    from decimal import Decimal

    from django.contrib.sessions.models import Session
    from django.test import Client
    from pyinstrument import Profiler

    from voucher.accounts.models import User
    from voucher.catalogue.models import Product
    from voucher.programmes.selectors import programme_current
    from voucher.testing.builders import make_product

    programme = programme_current()
    provider = User.objects.filter(organisation=Product.objects.order_by("pk").last().provider).first()
    keys = list(Session.objects.order_by("expire_date").values_list("session_key", flat=True))
    clients = []
    for key in keys[: args.orders + 20]:
        client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        client.cookies["sessionid"] = key
        client.cookies["csrftoken"] = csrf = uuid.uuid4().hex
        clients.append((client, csrf))
    if len(clients) < args.orders + 20:
        raise SystemExit(f"{len(clients)} sessions in the database: run bench/voucher_grab.py first")
    plenty = make_product(programme, provider=provider, price=Decimal("10000.00"), vouchers=len(clients) + 10)
    none_left = make_product(programme, provider=provider, price=Decimal("10000.00"), vouchers=0)

    def order(client: Client, csrf: str, product: Product) -> int:
        body = {
            "product_id": product.pk,
            "idempotency_key": uuid.uuid4().hex,
            "contact_name": "压测联系人",
            "contact_mobile": "13912345678",
        }
        response = client.post(
            "/api/v1/orders/", json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=csrf
        )
        return response.status_code

    for client, csrf in clients[:20]:  # warm: caches, the day's credit checks of these enterprises
        order(client, csrf, plenty)
        order(client, csrf, none_left)
    for label, product, count in (
        ("placed order", plenty, args.orders),
        ("sold-out refusal", none_left, args.refusals),
    ):
        if args.cpu:
            cpu = cProfile.Profile(time.process_time)
            started = time.process_time()
            cpu.enable()
            statuses = [order(*clients[20 + i % args.orders], product) for i in range(count)]
            cpu.disable()
            seconds = time.process_time() - started
            print(f"== {label}: {count} requests, {1000 * seconds / count:.2f} ms CPU each (profiled), "
                  f"statuses {sorted(set(statuses))}")  # fmt: skip
            out = io.StringIO()
            pstats.Stats(cpu, stream=out).sort_stats("tottime").print_stats(args.lines)
            print(out.getvalue())
            continue
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        profiler.start()
        statuses = [order(*clients[20 + i % args.orders], product) for i in range(count)]
        profiler.stop()
        seconds = time.perf_counter() - started
        print(f"== {label}: {count} requests, {1000 * seconds / count:.2f} ms each (wall, profiled), "
              f"statuses {sorted(set(statuses))}")  # fmt: skip
        text = profiler.output_text(unicode=True, color=False, show_all=False)
        print("\n".join(text.splitlines()[: args.lines]))
    purge_bench_queue(dict(os.environ))


if __name__ == "__main__":
    main()

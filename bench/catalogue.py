#!/usr/bin/env python
"""The public catalogue list (O1) with 10,000 products on sale: queries per request and server time.

    .venv/bin/python bench/catalogue.py       # needs PostgreSQL (BENCH_CATALOGUE_DATABASE_URL)

It recreates a scratch database, migrates, seeds the demo programme and copies one product made through
the builders (with its application) into ``--products`` products on sale, spread over the directions.
Then it requests the catalogue page through Django's WSGI handler in this process (the whole middleware
stack and the template, production settings, no HTTP server): the first, a middle and the last page, each
sort, a search and a field filter, in rounds. "Server time" is the time from the request entering Django
to the rendered response. Prints the most queries any request made and the time percentiles:

    catalogue products=10000 queries=… p50_ms=… p95_ms=…
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from voucher_grab import django_env, percentile, recreate_database  # noqa: E402


def populate(count: int) -> None:
    """``count`` products on sale: copies of one built product, each with its own application."""
    from decimal import Decimal

    from voucher.applications.models import Application
    from voucher.catalogue.models import Product
    from voucher.demo.seed import seed_demo
    from voucher.programmes.selectors import programme_current
    from voucher.testing.builders import make_product
    from voucher.testing.factories import UserFactory

    seed_demo()
    programme = programme_current()
    directions = list(programme.directions.all())
    template = make_product(programme, provider=UserFactory(provider=True), vouchers=30)
    application = template.application
    start = Application.objects.filter(organisation=application.organisation).count() + 1
    batch = 1000
    for offset in range(0, count, batch):
        applications = []
        for i in range(offset, min(count, offset + batch)):
            application.pk = None
            application.sequence = start + i
            application.product_name = f"设计服务产品{i:05d}"
            applications.append(Application(**{f.attname: getattr(application, f.attname)
                                                for f in Application._meta.concrete_fields}))  # fmt: skip
        created = Application.objects.bulk_create(applications)
        products = []
        for n, made in enumerate(created, start=offset):
            values = {f.attname: getattr(template, f.attname) for f in Product._meta.concrete_fields}
            values.update(
                id=None,
                application_id=made.pk,
                name=made.product_name,
                direction_id=directions[n % len(directions)].pk,
                subtype_id=None,
                price_amount=Decimal(1000 + (n * 37) % 90000),
                vouchers_left=1 + n % 30,
            )
            products.append(Product(**values))
        Product.objects.bulk_create(products)


def measure(rounds: int) -> tuple[int, list[float]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from voucher.catalogue.models import Product

    pages = Product.objects.filter(status="on_sale").count() // 20 + 1
    requests = [
        {},
        {"page": pages // 2},
        {"page": pages},
        {"sort": "price"},
        {"sort": "-price"},
        {"sort": "-rating"},
        {"sort": "-vouchers", "page": 3},
        {"q": "设计 服务"},
        {"field": "1"},
        {"direction": "2", "page": 10},
    ]
    client = Client(HTTP_HOST="127.0.0.1")
    for params in requests:  # warm: templates, URL resolver, database caches
        client.get("/catalogue/", params)
    most = 0
    times: list[float] = []
    for _ in range(rounds):
        for params in requests:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/catalogue/", params)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"catalogue answered {response.status_code} for {params}")
            most = max(most, len(queries.captured_queries))
    return most, times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_CATALOGUE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/voucher_bench_catalogue"
        ),
    )
    parser.add_argument("--products", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    env = django_env(args.database_url)
    if not args.child:
        print(f"preparing database {args.database_url.rsplit('/', 1)[-1]} with {args.products} products …")
        recreate_database(args.database_url)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        subprocess.run([sys.executable, __file__, "--child", *sys.argv[1:]], cwd=ROOT, env=env, check=True)
        return
    import django

    django.setup()
    from django.core.cache import cache

    cache.clear()
    populate(args.products)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    queries, times = measure(args.rounds)
    print(
        f"catalogue products={args.products} queries={queries} "
        f"p50_ms={percentile(times, 0.5):.1f} p95_ms={percentile(times, 0.95):.1f}"
    )


if __name__ == "__main__":
    main()

"""Payment-file export benchmark (SPEC R7): memory and time of exporting payout batches of 1k, 10k and
100k items.

    .venv/bin/python bench/payout_export.py                  # scratch SQLite file in a temporary directory
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/payout_bench .venv/bin/python bench/payout_export.py

Builds a scratch database (migrated from empty) with 100,000 approved claims of 1,000 enterprises and 50
providers — orders, contracts and claims inserted in bulk, as a fixture — then for each size creates a
batch of that many items and writes its payment file with the same function the platform uses. Each size
is measured twice: once for wall time, once under ``tracemalloc`` for the peak of Python allocations
(tracemalloc slows the run, so its time is not reported). The process's peak RSS is printed at the end.
The last line is the summary, e.g. ``payout_export rows=100000 seconds=… peak_mb=…``; a flat ``peak_mb``
across sizes shows the export streams.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_fixture(total: int) -> tuple[object, list[int]]:
    """``total`` approved claims with their orders and contracts; the providers have payee accounts."""
    from voucher.accounts.choices import Role
    from voucher.accounts.models import Organisation, User
    from voucher.claims.choices import ClaimStatus
    from voucher.claims.models import Claim
    from voucher.contracts.choices import ContractStatus
    from voucher.contracts.models import Contract
    from voucher.core import clock
    from voucher.demo.codes import make_uscc
    from voucher.orders.choices import OrderStatus
    from voucher.orders.models import Order
    from voucher.payouts.models import PayeeAccount
    from voucher.programmes.models import ProgrammeYear
    from voucher.testing.builders import make_product

    programme = ProgrammeYear.objects.get(year=2025)
    now = clock.now()
    day = now.date()
    providers = Organisation.objects.bulk_create(
        [
            Organisation(name=f"基准服务商{i:03d}有限公司", uscc=make_uscc(700000 + i), is_provider=True)
            for i in range(50)
        ]
    )
    enterprises = Organisation.objects.bulk_create(
        [
            Organisation(name=f"基准企业{i:04d}有限公司", uscc=make_uscc(800000 + i), is_enterprise=True)
            for i in range(1000)
        ]
    )
    PayeeAccount.objects.bulk_create(
        [
            PayeeAccount(
                organisation=p,
                account_name=p.name,
                bank_name="中国工商银行北京分行",
                account_number=f"62220202{i:012d}",
                updated_at=now,
            )
            for i, p in enumerate(providers)
        ]
    )
    buyer = User.objects.create(username="bench-buyer", role=Role.ENTERPRISE, organisation=enterprises[0])
    provider_user = User.objects.create(
        username="bench-provider", role=Role.PROVIDER, organisation=providers[0]
    )
    products = [make_product(programme, provider=provider_user, name=f"基准产品{i}") for i in range(5)]
    chunk = 5000
    claim_ids: list[int] = []
    for start in range(0, total, chunk):
        rows = range(start, min(start + chunk, total))
        orders = Order.objects.bulk_create(
            [
                Order(
                    number=f"B{n:011d}",
                    programme=programme,
                    product=products[n % 5],
                    enterprise=enterprises[n % 1000],
                    provider=providers[n % 50],
                    ordered_by=buyer,
                    ordered_at=now,
                    idempotency_key=f"bench-{n}",
                    status=OrderStatus.ACCEPTED,
                    listed_price=Decimal("10000.00"),
                    subsidy_estimate=Decimal("3000.00"),
                    acceptance_deadline=day,
                    contact_name="联系人",
                    contact_mobile="13800138000",
                )
                for n in rows
            ]
        )
        contracts = Contract.objects.bulk_create(
            [
                Contract(
                    order=o,
                    programme=programme,
                    product=o.product,
                    enterprise=o.enterprise,
                    provider=o.provider,
                    number=f"HT-{o.number}",
                    total_amount=Decimal("10000.00"),
                    signed_on=day,
                    service_start=day,
                    service_end=day + dt.timedelta(days=30),
                    subsidisable_amount=Decimal("10000.00"),
                    max_deduction=Decimal("3000.00"),
                    deduction=Decimal("3000.00"),
                    own_payment=Decimal("7000.00"),
                    status=ContractStatus.COMPLETED,
                    recorded_at=now,
                    recorded_by=provider_user,
                )
                for o in orders
            ]
        )
        claims = Claim.objects.bulk_create(
            [
                Claim(
                    contract=c,
                    order=c.order,
                    programme=programme,
                    enterprise=c.enterprise,
                    provider=c.provider,
                    status=ClaimStatus.APPROVED,
                    created_at=now,
                    updated_at=now,
                    deadline=day + dt.timedelta(days=44),
                    approved_payout=Decimal("3000.00") - Decimal(n % 100) / 100,
                    decided_at=now,
                )
                for n, c in zip(rows, contracts, strict=True)
            ]
        )
        claim_ids.extend(c.pk for c in claims)
    return programme, claim_ids


def make_batch(programme: Any, claim_ids: list[int], size: int) -> Any:
    """A batch of ``size`` items (approved for disbursement), replacing the previous one."""
    from django.db.models import Sum

    from voucher.accounts.models import User
    from voucher.claims.models import Claim
    from voucher.core import clock
    from voucher.payouts.choices import BatchStatus
    from voucher.payouts.models import PayeeAccount, PayoutBatch, PayoutItem

    PayoutItem.objects.all().delete()
    PayoutBatch.objects.all().delete()
    now = clock.now()
    # Items are inserted in one transaction (one commit), as the fixture is.
    batch = PayoutBatch.objects.create(
        number=f"BENCH-{size}",
        programme=programme,
        title=f"基准批次 {size}",
        status=BatchStatus.APPROVED,
        created_at=now,
        created_by=User.objects.get(username="bench-provider"),
        notice_starts_on=now.date(),
        notice_ends_on=now.date(),
    )
    ids = claim_ids[:size]
    payees = {
        a.organisation_id: {
            "payee_account_name": a.account_name,
            "payee_bank_name": a.bank_name,
            "payee_account_number": a.account_number,
        }
        for a in PayeeAccount.objects.all()
    }
    for start in range(0, size, 5000):
        part = Claim.objects.filter(pk__in=ids[start : start + 5000]).values_list(
            "pk", "provider_id", "enterprise_id", "approved_payout"
        )
        PayoutItem.objects.bulk_create(
            [
                # The payee copy a published batch's items carry (the payment file pays it).
                PayoutItem(
                    batch=batch,
                    claim_id=c,
                    provider_id=p,
                    enterprise_id=e,
                    amount=a or 0,
                    **payees.get(p, {}),
                )
                for c, p, e, a in part
            ]
        )
    figures = PayoutItem.objects.filter(batch=batch).aggregate(total=Sum("amount"))
    PayoutBatch.objects.filter(pk=batch.pk).update(item_count=size, total_amount=figures["total"])
    batch.refresh_from_db()
    return batch


def measure(batch: object, out_dir: Path) -> tuple[float, float, object]:
    from voucher.payouts.export import write_payment_file

    path = out_dir / f"{batch.number}.xlsx"  # type: ignore[attr-defined]
    started = time.perf_counter()
    result = write_payment_file(batch, str(path))  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    tracemalloc.start()
    write_payment_file(batch, str(path))  # type: ignore[arg-type]
    peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    tracemalloc.stop()
    assert result.rows == batch.item_count and result.total == batch.total_amount, "totals do not add up"  # type: ignore[attr-defined]
    return seconds, peak, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="payout-bench-") as scratch:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3"
        setup(url)
        from django.db import transaction

        started = time.perf_counter()
        with transaction.atomic():
            programme, claim_ids = build_fixture(max(sizes))
        print(
            f"fixture: {len(claim_ids)} approved claims in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})"
        )
        last = None
        for size in sizes:
            with transaction.atomic():
                batch = make_batch(programme, claim_ids, size)
            seconds, peak, result = measure(batch, Path(scratch))
            size_mb = (Path(scratch) / f"{batch.number}.xlsx").stat().st_size / (1024 * 1024)  # type: ignore[attr-defined]
            print(
                f"rows={size:>6} seconds={seconds:6.2f} rows_per_s={size / seconds:8.0f} "
                f"tracemalloc_peak_mb={peak:6.2f} file_mb={size_mb:5.1f} total={result.total}"  # type: ignore[attr-defined]
            )
            last = (size, seconds, peak)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert last is not None
        print(f"process peak RSS {rss_mb:.0f} MB (fixture included)")
        print(f"payout_export rows={last[0]} seconds={last[1]:.2f} peak_mb={last[2]:.2f}")


if __name__ == "__main__":
    main()

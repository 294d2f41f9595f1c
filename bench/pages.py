"""Page benchmark (issue 18): the server time of every page of every demo role on the demo data.

    .venv/bin/python bench/pages.py              # scratch SQLite database var/bench-pages.sqlite3 (seeded once)
    .venv/bin/python bench/pages.py --fresh      # rebuild the demo database first
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/pages_bench .venv/bin/python bench/pages.py

Runs under the demo settings (``scripts/run``: DEBUG off). The pages come from the URL conf: every page
that takes no argument is a start page of every role, and the links of each page reached are followed, so
the pages with an argument (a claim, an order, a batch …) are measured with the demo's own object ids — up
to ``--per-view`` addresses per view. Each role logs in as its demo user; each page is requested
requested once to warm the caches and count its database queries, then ``--repeat`` times, the fastest time
kept. Pages answering other
than 200 with HTML (downloads, redirects, 403 of another role's page) are not timed. Prints the slowest
pages, the views the URL conf has that no role reached, and a summary line
``pages count=… slowest_ms=… p95_ms=… median_ms=…``.

    .venv/bin/python bench/pages.py --save var/pages-before.json       # keep every page's time and query count
    .venv/bin/python bench/pages.py --compare var/pages-before.json    # per-page ratios against a saved run

``--compare`` matches pages by role and address, prints the pages that got slower by the largest ratio,
the median ratio and the pages whose query count changed, and a summary line
``compare pages=… median_ratio=… slower_pages=… (over ×1.15 and 2 ms)``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Namespaces that are not pages of a role: the API, the admin site, files and the public feeds are timed elsewhere.
NOT_PAGES = {"api", "admin", "tasks"}
# What a browser fetches with the page by itself: frames, images and objects with a same-site address.
EMBEDDED = re.compile(r"<(?:iframe|img|object|embed)\b[^>]*?\s(?:src|data)=\"(/[^\"]+)\"")


def setup(database_url: str, fresh: bool) -> None:
    """Demo settings on the bench database; migrate and seed the demo year when it is new."""
    path = database_url.removeprefix("sqlite:///") if database_url.startswith("sqlite:///") else ""
    if fresh and path and Path(path).exists():
        Path(path).unlink()
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("MEDIA_ROOT", str(ROOT / "var" / "bench-media"))
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    os.environ["VOUCHER_NOTIFICATION_SENDERS"] = ""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.demo"
    import django

    django.setup()
    from django.core.management import call_command

    from voucher.accounts.models import User

    call_command("migrate", verbosity=0)
    if fresh or not User.objects.filter(username="admin").exists():
        started = time.perf_counter()
        call_command("demo_seed", verbosity=0)
        print(f"demo seeded in {time.perf_counter() - started:.1f} s")


def start_pages() -> tuple[list[str], set[str]]:
    """The URL conf's pages without arguments, and the names of all its views (pages with arguments too)."""
    from django.urls import URLResolver, get_resolver

    plain: list[str] = []
    views: set[str] = set()

    def visit(resolver: URLResolver, prefix: str, namespaces: list[str]) -> None:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                visit(pattern, route, [*namespaces, pattern.namespace] if pattern.namespace else namespaces)
                continue
            if set(namespaces) & NOT_PAGES or not pattern.name:
                continue
            views.add(":".join([*namespaces, pattern.name]))
            if "<" not in route and "^" not in route:
                plain.append("/" + route)

    visit(get_resolver(), "", [])
    return plain, views


def view_name(path: str) -> str | None:
    """The view of a page the bench times, or None (see ``NOT_PAGES``)."""
    from voucher.testing.pages import page_name

    return page_name(path, skip=NOT_PAGES)


Timing = tuple[float, float, str, str, int]


# ``--clock cpu`` times the CPU the process spends on a request (SQLite runs in the process) and not the
# waiting for a core: on a busy machine the wall-clock times swing more than the changes being measured.
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = time.perf_counter


def time_role(username: str, start: list[str], per_view: int, repeat: int) -> list[Timing]:
    """(page ms, page + embedded ms, view, path, queries) of every HTML page the user reaches from the start pages.

    The second time adds the server time of what the page embeds and a browser loads with it (PDF frames,
    images): the part of a page's full load the server answers for.
    """
    from django.db import connection
    from django.test import Client

    from voucher.accounts.models import User
    from voucher.testing.pages import crawl

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    timings: list[Timing] = []
    best: dict[str, float] = {}
    queries: dict[str, int] = {}

    def fetch(path: str) -> Any:
        """One warming request that counts the queries, then ``repeat`` timed ones without the wrapper."""
        counter = [0]

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            counter[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(path)
        queries[path] = counter[0]
        best[path] = float("inf")
        for _ in range(repeat):
            began = clock()
            response = client.get(path)
            best[path] = min(best[path], (clock() - began) * 1000)
        return response

    for path, name, response, _forms in crawl(start, fetch, per_view=per_view, name_of=view_name):
        embedded = 0.0
        for source in EMBEDDED.findall(response.content.decode()):
            began = clock()
            client.get(html.unescape(source))
            embedded += (clock() - began) * 1000
        timings.append((best[path], best[path] + embedded, name, path, queries[path]))
    return timings


# A page counts as slower than the saved run when it takes this many times as long and this much longer.
SLOWER_RATIO = 1.15
SLOWER_MS = 2.0


def save(file: Path, timings: list[tuple[float, float, str, str, str, int]]) -> None:
    """Every page's time and query count, keyed by role and address, for a later ``--compare``."""
    pages = {
        f"{username} {path}": {
            "ms": round(ms, 2),
            "full_ms": round(full, 2),
            "view": name,
            "queries": queries,
        }
        for ms, full, username, name, path, queries in timings
    }
    file.write_text(json.dumps(pages, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    print(f"saved {len(pages)} pages to {file}")


def compare(file: Path, timings: list[tuple[float, float, str, str, str, int]], show: int) -> None:
    """Per-page ratios of this run to the saved one, the pages that got slower and query counts that changed."""
    before = json.loads(file.read_text(encoding="utf-8"))
    rows = []  # (ratio, ms now, ms before, queries now, queries before, key)
    for ms, _full, username, _name, path, queries in timings:
        saved = before.get(f"{username} {path}")
        if saved:
            rows.append((ms / saved["ms"], ms, saved["ms"], queries, saved["queries"], f"{username} {path}"))
    if not rows:
        print(f"\nno page of this run is in {file}")
        return
    rows.sort(reverse=True)
    print(f"\npages compared with {file}: {len(rows)} (this run {len(timings)}, saved {len(before)})")
    print("largest ratios (now / saved):")
    for ratio, ms, was, queries, was_queries, key in rows[:show]:
        print(f"  ×{ratio:5.2f}  {ms:7.1f} ms  was {was:7.1f} ms  queries {was_queries}→{queries}  {key}")
    changed = [row for row in rows if row[3] != row[4]]
    print(f"query counts changed on {len(changed)} pages" + (":" if changed else ""))
    for _ratio, ms, was, queries, was_queries, key in sorted(changed, key=lambda r: r[4] - r[3])[:show]:
        print(f"  queries {was_queries:>3}→{queries:<3}  {ms:7.1f} ms  was {was:7.1f} ms  {key}")
    slower = [row for row in rows if row[0] > SLOWER_RATIO and row[1] - row[2] > SLOWER_MS]
    median = statistics.median(row[0] for row in rows)
    total = sum(row[1] for row in rows) / sum(row[2] for row in rows)
    print(
        f"compare pages={len(rows)} median_ratio={median:.3f} total_ratio={total:.3f} "
        f"slower_pages={len(slower)} (over ×{SLOWER_RATIO} and {SLOWER_MS:.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database first")
    parser.add_argument("--per-view", type=int, default=3, help="addresses timed per view and role")
    parser.add_argument("--repeat", type=int, default=2, help="timed requests per page (the fastest is kept)")
    parser.add_argument("--show", type=int, default=15, help="how many of the slowest pages to print")
    parser.add_argument("--save", type=Path, help="write every page's time and query count to this JSON file")
    parser.add_argument("--compare", type=Path, help="print per-page ratios against a file written by --save")
    parser.add_argument(
        "--clock", choices=sorted(CLOCKS), default="wall", help="wall-clock time, or the process's CPU time"
    )
    args = parser.parse_args()
    global clock
    clock = CLOCKS[args.clock]
    database_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-pages.sqlite3'}")
    setup(database_url, args.fresh)

    from voucher.demo.seed import USERS

    start, views = start_pages()
    timings: list[tuple[float, float, str, str, str, int]] = []
    for spec in USERS:
        role_timings = time_role(spec["username"], start, args.per_view, args.repeat)
        timings += [(ms, full, spec["username"], name, path, q) for ms, full, name, path, q in role_timings]
        slowest = max((t[0] for t in role_timings), default=0.0)
        print(f"{spec['username']:<16} pages={len(role_timings):<4} slowest_ms={slowest:.0f}")
    timings.sort(reverse=True)
    print(f"\nslowest {args.show} pages (server time; with what the page embeds; queries):")
    for ms, full, username, name, path, queries in timings[: args.show]:
        print(f"  {ms:8.1f} ms  {full:8.1f} ms  {queries:4}  {username:<16} {name:<36} {path}")
    heaviest = sorted(timings, key=lambda t: -t[1])[: min(5, args.show)]
    print("\nheaviest pages with what they embed:")
    for ms, full, username, name, path, _queries in heaviest:
        print(f"  {full:8.1f} ms  ({ms:.1f} ms page)  {username:<16} {name:<36} {path}")
    most = sorted(timings, key=lambda t: -t[5])[: min(5, args.show)]
    print("\nmost database queries:")
    for ms, _full, username, name, path, queries in most:
        print(f"  {queries:4} queries  {ms:8.1f} ms  {username:<16} {name:<36} {path}")
    reached = {t[3] for t in timings}
    unreached = sorted(views - reached)
    print(f"\nviews reached: {len(reached)} of {len(views)}; not reached as an HTML page by any role:")
    print("  " + ", ".join(unreached))
    if args.save:
        save(args.save, timings)
    if args.compare:
        compare(args.compare, timings, args.show)
    values = sorted(t[0] for t in timings)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))] if values else 0.0
    median = statistics.median(values) if values else 0.0
    full = max((t[1] for t in timings), default=0.0)
    print(
        f"pages count={len(values)} slowest_ms={values[-1] if values else 0:.0f} p95_ms={p95:.0f} "
        f"median_ms={median:.1f} slowest_with_embedded_ms={full:.0f}"
    )


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Launch-day benchmark: many enterprises grab vouchers over HTTP at the real order endpoint.

    .venv/bin/python bench/voucher_grab.py            # needs PostgreSQL (DATABASE_URL or 127.0.0.1:5432)
    .venv/bin/python bench/voucher_grab.py --launch   # then the open-loop launch crowd, for each server

It recreates a scratch database, migrates, creates enterprises (through the enterprise services) and
products, and for each HTTP server measured (``--servers``: gunicorn with gthread workers and granian's
WSGI workers, production settings) serves the platform and drives it from several client processes in
closed-loop phases:

* buying   — every enterprise orders each of several products that have plenty of vouchers;
* sold out — far more requests than the K vouchers of one product, as on launch day;
* health   — the platform's ``/healthz``, the framework's cheapest answer, served the same way;
* bare ORM — :mod:`bench.bare_orm`, a bare Django view doing the three reference writes, served the same way.

Server CPU per request is read from /proc for the server's processes, so it does not depend on the other
load on the machine; the ratios to the references of the same run are what the targets are about. After
each server the database is checked (oversold vouchers, quota accounts, ``ledger_check``) and one line
is printed per server:

    voucher_grab server=… buy_rps=… soldout_rps=… health_rps=… bare_rps=… buy_cpu_ms=… soldout_cpu_ms=…
        health_cpu_ms=… bare_cpu_ms=… oversold=… quota_violations=… p99_ms=…

With ``--launch`` (see :mod:`bench.launch_crowd`), after the closed-loop phases of each server:

    voucher_launch server=… answered=… errors=… oversold=… p50_ms=… p99_ms=… sellout_s=… fairness=…
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import queue
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BENCH_QUEUE = "voucher-bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/voucher_bench"),
    )
    parser.add_argument("--servers", default="gunicorn,granian", help="HTTP servers to measure, in order")
    parser.add_argument("--enterprises", type=int, default=256)
    parser.add_argument("--buy-products", type=int, default=6)
    parser.add_argument("--soldout-vouchers", type=int, default=20)
    parser.add_argument("--soldout-requests", type=int, default=1536)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--granian-workers", type=int, default=2)
    parser.add_argument("--granian-threads", type=int, default=2, help="blocking threads per granian worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--pgbench-seconds", type=int, default=0, help="also run pgbench's bare SQL reference (0: not)"
    )
    parser.add_argument(
        "--warmup-orders",
        type=int,
        default=32,
        help="orders from extra enterprises before measuring (warm workers)",
    )
    parser.add_argument("--launch", action="store_true", help="then the open-loop launch crowd")
    parser.add_argument("--launch-enterprises", type=int, default=2000)
    parser.add_argument("--launch-submissions", type=int, default=5000)
    parser.add_argument("--launch-rate", type=float, default=1000.0, help="submissions per second")
    parser.add_argument("--launch-products", type=int, default=10)
    parser.add_argument("--launch-vouchers", type=int, default=30)
    parser.add_argument("--launch-client-processes", type=int, default=2)
    parser.add_argument("--setup-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--state", help=argparse.SUPPRESS)
    return parser.parse_args()


def django_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DATABASE_CONN_MAX_AGE": "600",
        "VOUCHER_NOTIFICATION_SENDERS": "",
        # Tasks published by the platform (a placed order's notice) go to a queue of the benchmark's own
        # on the production broker, emptied after every run (no worker consumes it meanwhile).
        "CELERY_TASK_DEFAULT_QUEUE": BENCH_QUEUE,
        "PYTHONPATH": str(ROOT),
    }


def purge_bench_queue(env: dict[str, str]) -> None:
    """Drop the tasks the platform published during the run (their rows stay in the scratch database)."""
    subprocess.run(
        [PYTHON, "-m", "celery", "-A", "config", "purge", "-f", "-Q", BENCH_QUEUE],
        cwd=ROOT, env=env, capture_output=True, check=False,
    )  # fmt: skip


def recreate_database(database_url: str) -> None:
    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- setup, run in a child process with Django configured ------------------------------------------------


def setup(args: argparse.Namespace) -> None:
    """Create the programme, enterprises (through the services), products and login sessions."""
    import django

    django.setup()
    from decimal import Decimal
    from importlib import import_module

    from django.conf import settings

    # The enterprises never log in with a password (their sessions are made here): a fast hasher for the
    # factory's password keeps preparing 2,000 of them short. The session's auth hash is checked the same way.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.cache import cache

    # The bench's own Redis database: no rate-limit counts, sold-out flags or sessions from earlier runs.
    cache.clear()
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    from voucher.demo.seed import seed_demo
    from voucher.programmes.selectors import programme_current
    from voucher.testing.builders import make_eligible, make_product
    from voucher.testing.factories import OrganisationFactory, UserFactory

    seed_demo()
    programme = programme_current()
    provider = UserFactory(provider=True)

    def products(count: int, vouchers: int) -> list[int]:
        return [
            make_product(programme, provider=provider, price=Decimal("10000.00"), vouchers=vouchers).pk
            for _ in range(count)
        ]

    servers = {
        name: {
            "buy": products(args.buy_products, args.enterprises + 10),
            "soldout": products(1, args.soldout_vouchers)[0],
            "warmup": products(1, args.warmup_orders + 10)[0],
            "launch": products(args.launch_products, args.launch_vouchers) if args.launch else [],
        }
        for name in args.servers.split(",")
    }
    count = args.enterprises + args.warmup_orders
    if args.launch:
        count = max(count, args.launch_enterprises)
    sessions = []
    for _ in range(count):
        user = make_eligible(UserFactory(organisation=OrganisationFactory(enterprise=True)), programme)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "voucher.accounts.backends.PasswordBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append({"session": store.session_key, "csrf": secrets.token_hex(16)})
    state = {
        "servers": servers,
        "sessions": sessions[: args.enterprises],
        "warmup_sessions": sessions[args.enterprises : args.enterprises + args.warmup_orders],
        "launch_sessions": sessions[: args.launch_enterprises] if args.launch else [],
    }
    Path(args.state).write_text(json.dumps(state))


# --- load generation --------------------------------------------------------------------------------------


def _client_process(port: int, jobs: list[dict], threads: int, start: mp.Event, out: mp.Queue) -> None:
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    results: list[tuple[int, float, str]] = []
    lock = threading.Lock()

    def run() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        start.wait()
        while True:
            try:
                job = work.get_nowait()
            except queue.Empty:
                break
            headers = {"Host": "127.0.0.1"}
            if job.get("session"):
                headers["Cookie"] = f"sessionid={job['session']}; csrftoken={job['csrf']}"
                headers["X-CSRFToken"] = job["csrf"]
            body = None
            if job.get("json") is not None:
                body = json.dumps(job["json"])
                headers["Content-Type"] = "application/json"
            t0 = time.perf_counter()
            for attempt in range(3):
                try:
                    conn.request(job["method"], job["path"], body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    if attempt == 2:
                        raise
            elapsed = (time.perf_counter() - t0) * 1000
            code = ""
            if response.status >= 400 and payload[:1] == b"{":
                code = json.loads(payload).get("code", "")
            mine.append((response.status, elapsed, code))
        conn.close()
        with lock:
            results.extend(mine)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put(results)


def drive(
    port: int, jobs: list[dict], clients: int, processes: int
) -> tuple[list[tuple[int, float, str]], float]:
    """Run ``jobs`` with ``clients`` concurrent keep-alive connections; returns results and wall time."""
    ctx = mp.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    slices = [jobs[i::processes] for i in range(processes)]
    threads = max(1, clients // processes)
    procs = [ctx.Process(target=_client_process, args=(port, s, threads, start, out)) for s in slices]
    for p in procs:
        p.start()
    time.sleep(0.5)
    t0 = time.perf_counter()
    start.set()
    results: list[tuple[int, float, str]] = []
    for _ in procs:
        results.extend(out.get())
    elapsed = time.perf_counter() - t0
    for p in procs:
        p.join()
    return results, elapsed


def order_job(session: dict, product_id: int) -> dict:
    return {
        "method": "POST",
        "path": "/api/v1/orders/",
        "session": session["session"],
        "csrf": session["csrf"],
        "json": {
            "product_id": product_id,
            "idempotency_key": uuid.uuid4().hex,
            "contact_name": "压测联系人",
            "contact_mobile": "13912345678",
        },
    }


def server_cpu_seconds(root_pid: int) -> float:
    """CPU time (user + system) used so far by the server: its main process and every descendant (the
    workers), from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    tree = {root_pid}
    grew = True
    while grew:
        children = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        tree |= children
        grew = bool(children)
    return sum(times.get(pid, 0.0) for pid in tree)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


# --- references and checks --------------------------------------------------------------------------------

PGBENCH_SETUP = """
DROP TABLE IF EXISTS ref_product, ref_quota, ref_order;
CREATE TABLE ref_product (id int PRIMARY KEY, vouchers_left int NOT NULL CHECK (vouchers_left >= 0));
CREATE TABLE ref_quota (id int PRIMARY KEY, available numeric(14,2) NOT NULL CHECK (available >= 0),
                        reserved numeric(14,2) NOT NULL);
CREATE TABLE ref_order (id bigserial PRIMARY KEY, product_id int NOT NULL, quota_id int NOT NULL,
                        amount numeric(14,2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO ref_product VALUES (1, 100000000);
INSERT INTO ref_quota SELECT g, 100000000, 0 FROM generate_series(1, 1000) g;
"""

PGBENCH_SCRIPT = """\\set q random(1, 1000)
BEGIN;
UPDATE ref_product SET vouchers_left = vouchers_left - 1 WHERE id = 1;
UPDATE ref_quota SET available = available - 3000, reserved = reserved + 3000 WHERE id = :q;
INSERT INTO ref_order (product_id, quota_id, amount) VALUES (1, :q, 3000);
END;
"""


def reference_sql_tps(database_url: str, seconds: int) -> float:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(PGBENCH_SETUP)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT)
    url = urlparse(database_url)
    command = [
        "pgbench", "-n", "-c", "16", "-j", "2", "-T", str(seconds), "-f", script.name,
        "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres",
        url.path.lstrip("/"),
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    match = re.search(r"tps = ([0-9.]+)", output)
    return float(match.group(1)) if match else 0.0


CHECKS = {
    # Vouchers handed out beyond what a product has, and vouchers lost or created from nothing.
    "oversold": """
        SELECT COALESCE(SUM(GREATEST(held - p.vouchers_total, 0)), 0)
             + COUNT(*) FILTER (WHERE p.vouchers_left <> p.vouchers_total - held)
        FROM catalogue_product p
        JOIN LATERAL (SELECT COUNT(*) AS held FROM orders_order o
                      WHERE o.product_id = p.id AND o.status IN ('placed', 'accepted')) h ON true""",
    # Accounts whose buckets do not add up, go negative, or disagree with the open orders' reservations.
    "quota_violations": """
        SELECT COUNT(*) FROM enterprises_quotaaccount a
        LEFT JOIN LATERAL (SELECT COALESCE(SUM(o.subsidy_estimate), 0) AS held FROM orders_order o
                           WHERE o.enterprise_id = a.organisation_id AND o.programme_id = a.programme_id
                             AND o.status = 'placed') h ON true
        WHERE a.available < 0 OR a.reserved <> h.held
           OR a.available <> a.cap - a.reserved - a.committed - a.paid""",
}


def serve(args: argparse.Namespace, server: str, app: str, env: dict[str, str]) -> subprocess.Popen:
    """Serve ``app`` with ``server`` as production would: gunicorn preloaded with gthread workers, or
    granian's WSGI workers (:file:`scripts/serve` runs the same commands); a deep backlog for both."""
    if server == "gunicorn":
        command = [
            PYTHON, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{args.port}",
            "--workers", str(args.workers), "--worker-class", "gthread", "--threads", str(args.threads),
            "--backlog", "2048", "--preload", "--log-level", "warning",
        ]  # fmt: skip
    elif server == "granian":
        command = [
            PYTHON, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(args.port),
            "--workers", str(args.granian_workers), "--blocking-threads", str(args.granian_threads),
            "--backlog", "2048", "--log-level", "warning", "--no-ws", app,
        ]  # fmt: skip
    else:
        raise SystemExit(f"unknown server {server!r} (gunicorn, granian)")
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def measured(
    args: argparse.Namespace, server: subprocess.Popen, jobs: list[dict]
) -> tuple[list[tuple[int, float, str]], float, float]:
    """:func:`drive` the jobs; also returns the server's CPU seconds spent meanwhile."""
    cpu_before = server_cpu_seconds(server.pid)
    results, seconds = drive(args.port, jobs, args.clients, args.client_processes)
    return results, seconds, server_cpu_seconds(server.pid) - cpu_before


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def bare_orm_reference(
    args: argparse.Namespace, name: str, env: dict[str, str]
) -> tuple[float, float, float]:
    """Requests per second, p99 and server CPU per request of :mod:`bench.bare_orm` doing the reference
    writes (on pgbench's reference tables), with the clients and server set-up of the order phases."""
    server = serve(args, name, "bench.bare_orm:application", env)
    try:
        wait_until_up(args.port, server, path="/order", method="POST")
        jobs = [{"method": "POST", "path": "/order"}] * (args.enterprises * args.buy_products)
        results, seconds, cpu = measured(args, server, jobs)
    finally:
        stop(server)
    if any(status != 201 for status, _, _ in results):
        raise SystemExit("the bare ORM reference refused an order")
    return len(results) / seconds, percentile([e for _, e, _ in results], 0.99), 1000 * cpu / len(results)


def refusal_floor(
    args: argparse.Namespace, name: str, env: dict[str, str], sessions: list[dict]
) -> tuple[float, float]:
    """Requests per second and server CPU per request of :mod:`bench.bare_refusal` (the session and user
    read, then the sold-out refusal), with the clients and server set-up of the sold-out phase."""
    server = serve(args, name, "bench.bare_refusal:application", env)
    try:
        wait_until_up(args.port, server, path="/api/v1/orders/", method="POST", accept=422)
        jobs = [order_job(random.choice(sessions), 0) for _ in range(args.soldout_requests)]
        results, seconds, cpu = measured(args, server, jobs)
    finally:
        stop(server)
    if any(code != "sold_out" for _, _, code in results):
        raise SystemExit("the refusal floor answered something else than sold_out")
    return len(results) / seconds, 1000 * cpu / len(results)


def check_database(database_url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return {name: int(conn.execute(sql).fetchone()[0]) for name, sql in CHECKS.items()}


# --- main -------------------------------------------------------------------------------------------------


def wait_until_up(
    port: int,
    server: subprocess.Popen,
    timeout: float = 60,
    path: str = "/healthz",
    method: str = "GET",
    accept: int = 300,
) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request(method, path, headers={"Host": "127.0.0.1"})
            if conn.getresponse().status < max(300, accept + 1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {path}")


def prepare(args: argparse.Namespace, env: dict[str, str]) -> dict:
    """A fresh database with the programme, products and logged-in enterprises; returns their ids."""
    print(f"preparing database {urlparse(args.database_url).path.lstrip('/')} …", flush=True)
    recreate_database(args.database_url)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute(PGBENCH_SETUP)  # the bare ORM reference writes to these tables
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        state_path = handle.name
    forwarded = [
        f"--{k.replace('_', '-')}={v}"
        for k, v in vars(args).items()
        if k not in {"setup_only", "state", "launch"}
    ] + (["--launch"] if args.launch else [])
    subprocess.run(
        [PYTHON, __file__, "--setup-only", f"--state={state_path}", *forwarded], cwd=ROOT, env=env, check=True
    )
    state = json.loads(Path(state_path).read_text())
    os.unlink(state_path)
    return state


def platform_phases(args: argparse.Namespace, name: str, env: dict[str, str], state: dict) -> dict:
    """The closed-loop phases (warm-up, buying, sold out, health) and, with ``--launch``, the launch
    crowd, on the platform served by ``name``."""
    import launch_crowd

    products = state["servers"][name]
    sessions = state["sessions"]
    server = serve(args, name, "config.wsgi:application", env)
    figures: dict = {}
    try:
        wait_until_up(args.port, server)
        # Warm every worker as a server in service is: pages served, the order path run end to end.
        warmup_jobs = [order_job(session, products["warmup"]) for session in state["warmup_sessions"]]
        drive(
            args.port,
            [{"method": "GET", "path": "/healthz"}] * 200 + warmup_jobs,
            args.clients,
            args.client_processes,
        )
        buy_jobs = [order_job(s, p) for s in sessions for p in products["buy"]]
        random.shuffle(buy_jobs)
        print(f"[{name}] buying: {len(buy_jobs)} orders from {len(sessions)} enterprises …", flush=True)
        figures["buy"] = measured(args, server, buy_jobs)

        soldout_jobs = [
            order_job(random.choice(sessions), products["soldout"]) for _ in range(args.soldout_requests)
        ]
        print(f"[{name}] sold out: {len(soldout_jobs)} requests for {args.soldout_vouchers} vouchers …")
        figures["soldout"] = measured(args, server, soldout_jobs)

        health_jobs = [{"method": "GET", "path": "/healthz"}] * len(soldout_jobs)
        figures["health"] = measured(args, server, health_jobs)
        if args.launch:
            jobs = launch_crowd.submissions(
                state["launch_sessions"], products["launch"], args.launch_submissions, seed=22
            )
            print(
                f"[{name}] launch: {len(jobs)} submissions at {args.launch_rate:.0f}/s from "
                f"{len(state['launch_sessions'])} enterprises for {len(products['launch'])} products "
                f"× {args.launch_vouchers} vouchers …",
                flush=True,
            )
            outcomes = launch_crowd.crowd(args.port, jobs, args.launch_rate, args.launch_client_processes)
            figures["launch"] = launch_crowd.summary(outcomes, args.launch_vouchers)
            codes: dict[str, int] = {}
            for outcome in outcomes:
                key = outcome.code or str(outcome.status)
                codes[key] = codes.get(key, 0) + 1
            figures["launch_codes"] = codes
    finally:
        stop(server)
    return figures


def report(args: argparse.Namespace, name: str, figures: dict, bare: tuple, checks: dict) -> None:
    """Print the figures of one server, ending with its ``voucher_grab`` (and ``voucher_launch``) line."""
    buy, buy_seconds, cpu_buy = figures["buy"]
    soldout, soldout_seconds, cpu_soldout = figures["soldout"]
    health, health_seconds, cpu_health = figures["health"]
    bare_rps, bare_p99, bare_cpu = bare
    buy_ok = sum(1 for status, _, _ in buy if status == 201)
    soldout_ok = sum(1 for status, _, _ in soldout if status == 201)
    unexpected = [
        (s, c) for s, _, c in buy + soldout if s != 201 and c not in {"sold_out", "too_many_open_orders"}
    ]
    codes: dict[str, int] = {}
    for status, _, code in buy + soldout:
        key = code or str(status)
        codes[key] = codes.get(key, 0) + 1
    buy_cpu_ms = 1000 * cpu_buy / len(buy)
    soldout_cpu_ms = 1000 * cpu_soldout / len(soldout)
    health_cpu_ms = 1000 * cpu_health / len(health)
    buy_rps, soldout_rps = len(buy) / buy_seconds, len(soldout) / soldout_seconds
    health_rps = len(health) / health_seconds
    print(
        f"[{name}] responses: {codes}; buy ok {buy_ok}/{len(buy)}, "
        f"sold-out ok {soldout_ok}/{len(soldout)} (vouchers {args.soldout_vouchers})"
    )
    print(
        f"[{name}] p50_ms buy={percentile([e for _, e, _ in buy], 0.5):.1f} "
        f"soldout={percentile([e for _, e, _ in soldout], 0.5):.1f} bare_p99_ms={bare_p99:.0f}"
    )
    print(
        f"[{name}] ratios buy_cpu/bare_cpu={buy_cpu_ms / bare_cpu:.2f} (target ≤ 2.5) "
        f"soldout_cpu/health_cpu={soldout_cpu_ms / health_cpu_ms:.2f} (≤ 1.5) "
        f"buy_rps/bare_rps={buy_rps / bare_rps:.2f} (≥ 0.4) soldout_rps/health_rps={soldout_rps / health_rps:.2f} (≥ 0.6)"
    )
    if unexpected:
        print(f"[{name}] unexpected responses: {unexpected[:5]} …")
    latencies = [e for _, e, _ in buy + soldout]
    print(
        f"voucher_grab server={name} requests={len(buy) + len(soldout)} ok={buy_ok + soldout_ok} "
        f"buy_rps={buy_rps:.0f} soldout_rps={soldout_rps:.0f} health_rps={health_rps:.0f} bare_rps={bare_rps:.0f} "
        f"buy_cpu_ms={buy_cpu_ms:.2f} soldout_cpu_ms={soldout_cpu_ms:.2f} health_cpu_ms={health_cpu_ms:.2f} "
        f"bare_cpu_ms={bare_cpu:.2f} oversold={checks['oversold']} quota_violations={checks['quota_violations']} "
        f"p99_ms={percentile(latencies, 0.99):.0f}",
        flush=True,
    )
    if "launch" in figures:
        launch = figures["launch"]
        print(f"[{name}] launch responses: {figures['launch_codes']}; vouchers sold {launch['sold']}")
        print(
            f"voucher_launch server={name} answered={launch['answered']} errors={launch['errors']} "
            f"oversold={checks['oversold']} p50_ms={launch['p50_ms']:.0f} p99_ms={launch['p99_ms']:.0f} "
            f"sellout_s={launch['sellout_s']:.2f} fairness={launch['fairness']:.2f}",
            flush=True,
        )


def main() -> None:
    args = parse_args()
    if args.setup_only:
        setup(args)
        return
    env = django_env(args.database_url)
    state = prepare(args, env)
    if args.pgbench_seconds:
        print(f"reference: pgbench, 16 clients, {args.pgbench_seconds}s …", flush=True)
        print(f"ref_sql_tps={reference_sql_tps(args.database_url, args.pgbench_seconds):.0f}")
    try:
        for name in args.servers.split(","):
            measure_server(args, name, env, state)
    finally:
        purge_bench_queue(env)


def measure_server(args: argparse.Namespace, name: str, env: dict[str, str], state: dict) -> None:
    """Every phase and reference on one server, the database checks, and the server's result lines."""
    figures = platform_phases(args, name, env, state)
    print(f"[{name}] reference: a bare Django ORM view doing the same writes, served the same way …")
    bare = bare_orm_reference(args, name, env)
    print(f"[{name}] floor: a bare Django view reading the session and user, then refusing …")
    floor = refusal_floor(args, name, env, state["sessions"])
    checks = check_database(args.database_url)
    ledger = subprocess.run(
        [PYTHON, "manage.py", "ledger_check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    print(f"[{name}] ledger_check: {(ledger.stdout.strip().splitlines() or ['?'])[-1]}")
    report(args, name, figures, bare, checks)
    soldout_cpu_ms = 1000 * figures["soldout"][2] / len(figures["soldout"][0])
    print(
        f"voucher_floor server={name} refusal_floor_rps={floor[0]:.0f} refusal_floor_cpu_ms={floor[1]:.2f} "
        f"soldout_cpu_x_floor={soldout_cpu_ms / floor[1]:.2f} "
        f"floor_cpu_x_health={floor[1] / (1000 * figures['health'][2] / len(figures['health'][0])):.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()

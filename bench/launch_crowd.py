"""The open-loop launch crowd of ``bench/voucher_grab.py --launch``.

Launch morning: authenticated enterprises send order submissions at a fixed arrival rate for a few products
with few vouchers each. Open loop: every submission is sent at its scheduled time (``start + i / rate``),
whether or not earlier submissions have been answered, so a slow server builds a queue instead of slowing
the crowd down. The sends are split between a few client processes (aiohttp, one event loop each, no
connection limit), each sending every n-th submission of the schedule.

Per submission it records when it was sent (the system-wide monotonic clock: on the loopback this is when
it arrives at the server's socket), when it was answered, the status and the refusal code. From those:

* ``answered`` — submissions that got an HTTP response; ``errors`` — 5xx, resets and time-outs;
* ``p50_ms`` / ``p99_ms`` — from sending to the answer;
* ``sellout_s`` — from the first send until the last product's last voucher was confirmed;
* ``fairness`` — of the vouchers sold, the share that went to submissions among the first 2 × K arrivals
  for their product (K vouchers per product).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import time
import uuid
from dataclasses import dataclass

TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Outcome:
    """What happened to one submission."""

    index: int
    product: int
    sent: float
    answered: float
    status: int  # 0: no HTTP response (reset, time-out)
    code: str


def submissions(sessions: list[dict], products: list[int], count: int, seed: int) -> list[dict]:
    """``count`` submissions, each from a random enterprise for a random product, in arrival order."""
    import random

    chooser = random.Random(seed)
    return [
        {
            "session": chooser.choice(sessions),
            "product": chooser.choice(products),
            "key": uuid.uuid4().hex,
        }
        for _ in range(count)
    ]


async def _send_all(port: int, schedule: list[tuple[int, float, dict]], start: float) -> list[Outcome]:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    url = f"http://127.0.0.1:{port}/api/v1/orders/"
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=None) as client:

        async def one(index: int, job: dict) -> Outcome:
            session = job["session"]
            headers = {
                "Cookie": f"sessionid={session['session']}; csrftoken={session['csrf']}",
                "X-CSRFToken": session["csrf"],
                "Content-Type": "application/json",
            }
            body = json.dumps(
                {
                    "product_id": job["product"],
                    "idempotency_key": job["key"],
                    "contact_name": "压测联系人",
                    "contact_mobile": "13912345678",
                }
            )
            sent = time.monotonic()
            try:
                async with client.post(url, data=body, headers=headers) as response:
                    payload = await response.read()
                    status = response.status
            except (TimeoutError, aiohttp.ClientError, OSError):
                return Outcome(index, job["product"], sent, time.monotonic(), 0, "")
            code = ""
            if status >= 400 and payload[:1] == b"{":
                code = json.loads(payload).get("code", "")
            return Outcome(index, job["product"], sent, time.monotonic(), status, code)

        tasks = []
        for index, offset, job in schedule:
            delay = start + offset - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(one(index, job)))
        return list(await asyncio.gather(*tasks))


def _client(port: int, schedule: list[tuple[int, float, dict]], start: float, out: mp.Queue) -> None:
    out.put(asyncio.run(_send_all(port, schedule, start)))


def crowd(port: int, jobs: list[dict], rate: float, processes: int) -> list[Outcome]:
    """Send ``jobs`` open loop at ``rate`` per second from ``processes`` client processes."""
    ctx = mp.get_context("fork")
    out: mp.Queue = ctx.Queue()
    schedule = [(i, i / rate, job) for i, job in enumerate(jobs)]
    start = time.monotonic() + 1.0  # every client process imported and waiting before the first send
    procs = [
        ctx.Process(target=_client, args=(port, schedule[n::processes], start, out)) for n in range(processes)
    ]
    for proc in procs:
        proc.start()
    outcomes: list[Outcome] = []
    for _ in procs:
        outcomes.extend(out.get())
    for proc in procs:
        proc.join()
    return sorted(outcomes, key=lambda o: o.index)


def summary(outcomes: list[Outcome], vouchers: int) -> dict[str, float]:
    """The figures of the ``voucher_launch`` line (see the module docstring)."""
    answered = [o for o in outcomes if o.status]
    errors = sum(1 for o in outcomes if o.status == 0 or o.status >= 500)
    latencies = sorted((o.answered - o.sent) * 1000 for o in answered)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, round(q * (len(latencies) - 1)))] if latencies else 0.0

    first_send = min((o.sent for o in outcomes), default=0.0)
    by_product: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        by_product.setdefault(outcome.product, []).append(outcome)
    sold = early = 0
    sellout = 0.0
    for arrivals in by_product.values():
        arrivals.sort(key=lambda o: o.sent)
        won = [o for o in arrivals if o.status == 201]
        sold += len(won)
        early += sum(1 for o in arrivals[: 2 * vouchers] if o.status == 201)
        if len(won) >= vouchers:
            sellout = max(sellout, max(o.answered for o in won) - first_send)
        else:
            sellout = float("inf")
    return {
        "answered": len(answered),
        "errors": errors,
        "p50_ms": pct(0.5),
        "p99_ms": pct(0.99),
        "sellout_s": sellout,
        "fairness": early / sold if sold else 0.0,
        "sold": sold,
    }

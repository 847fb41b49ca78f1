"""Item 3: fetching the 100k-item Waldur provider account from the demo server.

The demo server runs in its own process (its own GIL), `DemoServer(scale=N)`. The account
"waldur-scale" is fetched with the real client (WaldurClient.list_invoices: page 1, then the
rest concurrently once X-Result-Count tells the number of pages):
  (a) max_rps unlimited (1e9),
  (b) max_rps = 20 while the server enforces 20 req/s (a 429 otherwise), with a burst of 1
      (no arrival jitter tolerated) and of 2 (one request of jitter),
and, as the reference, (c) the same pages fetched one after another with one httpx client
(GET, JSON decode, follow page numbers; no model building).
Requests and statuses are counted by the client (httpx event hooks) and by the server.

    python benchmarks/bench_fetch.py [--quick] [--scale N] [--runs N] [--limited-runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import httpx
from common import DemoProcess, Measure, emit, log, median, quick_mode

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.tokens import resolve_token
from invoicetui.core.errors import ProviderError
from invoicetui.core.model import Invoice
from invoicetui.providers import make_client

ACCOUNT = "waldur-scale"
RATE = 20.0
UNLIMITED = 1e9
# Burst 1: no jitter allowed at all (the strict case); 2: one request of arrival jitter.
BURSTS = (1.0, 2.0)


@dataclass
class Run:
    """One fetch: wall time, what went over the wire, what came out."""

    seconds: float = 0.0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    starts: list[float] = field(default_factory=list)
    network_seconds: float = 0.0  # from the start to the last response: pages all in
    items: int = 0
    statements: int = 0
    server_429: int = 0
    error: str | None = None  # the fetch failed (the run still counts its requests and 429s)

    @property
    def rate(self) -> float:
        """Requests per second between the first and the last request start."""
        if len(self.starts) < 2:
            return 0.0
        return (len(self.starts) - 1) / (self.starts[-1] - self.starts[0])

    @property
    def seen_429(self) -> int:
        return max(self.statuses.get(429, 0), self.server_429)


async def fetch_with_client(account: AccountConfig, max_rps: float) -> Run:
    """The real client, as the app uses it."""
    account = replace(account, max_rps=max_rps)
    run = Run()
    client = make_client(account, resolve_token(account))

    async def on_request(request: httpx.Request) -> None:
        run.starts.append(time.perf_counter())

    async def on_response(response: httpx.Response) -> None:
        run.statuses[response.status_code] += 1
        run.network_seconds = time.perf_counter() - start

    client.http.event_hooks["request"].append(on_request)
    client.http.event_hooks["response"].append(on_response)
    start = time.perf_counter()
    invoices: list[Invoice] = []
    try:
        invoices = await client.list_invoices()
    except ProviderError as exc:  # e.g. still rate limited after every retry: a failed run
        run.error = str(exc)
    finally:
        run.seconds = time.perf_counter() - start
        await client.aclose()
    run.requests = len(run.starts)
    run.statements = len(invoices)
    run.items = sum(len(inv.line_items) for inv in invoices)
    return run


async def fetch_serially(account: AccountConfig, page_size: int) -> Run:
    """Reference: page 1, 2, 3, ... one after another with one httpx client, JSON decoded."""
    assert account.base_url is not None
    url = account.base_url.rstrip("/") + "/api/provider-invoice-items/"
    headers = {"Authorization": f"Token {resolve_token(account)}"}
    run = Run()
    async with httpx.AsyncClient(timeout=30) as http:
        start = time.perf_counter()
        page = 1
        while True:
            run.starts.append(time.perf_counter())
            response = await http.get(
                url, params={"page": page, "page_size": page_size}, headers=headers
            )
            run.statuses[response.status_code] += 1
            response.raise_for_status()
            run.items += len(response.json())
            if 'rel="next"' not in response.headers.get("Link", ""):
                break
            page += 1
        run.seconds = time.perf_counter() - start
    run.requests = len(run.starts)
    return run


def _server_429(server: DemoProcess) -> int:
    return int(server.stats()["statuses"].get("429", 0))


def measure(server: DemoProcess, scale: int, runs: int, limited_runs: int) -> list[Measure]:
    from invoicetui.providers.waldur.client import WaldurClient

    account = server.account(ACCOUNT)
    page_size = WaldurClient.page_size
    pages = math.ceil(scale / page_size)
    fast: list[Run] = []
    serial: list[Run] = []
    for i in range(runs):  # interleaved: drift on the machine hits both alike
        server.reset()
        fast.append(asyncio.run(fetch_with_client(account, UNLIMITED)))
        fast[-1].server_429 = _server_429(server)
        server.reset()
        serial.append(asyncio.run(fetch_serially(account, page_size)))
        log(
            f"fetch run {i + 1}/{runs}: concurrent {fast[-1].seconds:.2f}s "
            f"({fast[-1].requests} req, {fast[-1].items} items), "
            f"serial {serial[-1].seconds:.2f}s ({serial[-1].requests} req)"
        )
    measures = [
        Measure(
            bench(scale),
            "unlimited: wall time",
            med([r.seconds for r in fast]),
            "s",
            reference="pages one after another",
            reference_value=med([r.seconds for r in serial]),
            runs=len(fast),
            note=f"{pages} pages, items fetched {sorted({r.items for r in fast})}",
            samples=[r.seconds for r in fast],
        ),
        Measure(
            bench(scale),
            "unlimited: until the last page is in",
            med([r.network_seconds for r in fast]),
            "s",
            reference="pages one after another",
            reference_value=med([r.seconds for r in serial]),
            runs=len(fast),
            note="the rest of the wall time is building the statements",
        ),
        Measure(
            bench(scale),
            "unlimited: requests per second",
            med([r.rate for r in fast]),
            "req/s",
            reference="pages one after another",
            reference_value=med([r.rate for r in serial]),
            runs=len(fast),
            note=f"{med([r.requests for r in fast]):.0f} requests, "
            f"429s {sum(r.seen_429 for r in fast)}",
        ),
    ]
    for burst in BURSTS:
        limited = limited_runs_at(server, account, burst, limited_runs)
        measures.extend(limited_measures(scale, pages, burst, limited))
    return measures


def limited_runs_at(
    server: DemoProcess, account: AccountConfig, burst: float, runs: int
) -> list[Run]:
    """max_rps = RATE while the server allows RATE per second with this burst."""
    server.set_limit("waldur", RATE, burst)
    limited: list[Run] = []
    try:
        for i in range(runs):
            server.reset()
            limited.append(asyncio.run(fetch_with_client(account, RATE)))
            limited[-1].server_429 = _server_429(server)
            log(
                f"fetch max_rps={RATE:g} burst {burst:g} run {i + 1}/{runs}: "
                f"{limited[-1].seconds:.2f}s, {limited[-1].rate:.2f} req/s, "
                f"429s {limited[-1].seen_429}, {limited[-1].items} items"
                + (f", FAILED: {limited[-1].error}" if limited[-1].error else "")
            )
    finally:
        server.set_limit("waldur", None)
    return limited


def limited_measures(scale: int, pages: int, burst: float, runs: list[Run]) -> list[Measure]:
    limited = [r for r in runs if r.error is None]
    failed = [r for r in runs if r.error is not None]
    rate = med([r.rate for r in limited])
    seen_429 = sum(r.seen_429 for r in runs)
    label = f"max_rps={RATE:g}, server {RATE:g}/s burst {burst:g}"
    failures = f"; {len(failed)} of {len(runs)} runs FAILED: {failed[0].error}" if failed else ""
    return [
        Measure(
            bench(scale),
            f"{label}: requests per second",
            rate,
            "req/s",
            reference="the limit",
            reference_value=RATE,
            target=f">= {0.9 * RATE:g} req/s (90%)",
            met=None if rate is None else rate >= 0.9 * RATE and not failed,
            runs=len(limited),
            note=f"{med([r.requests for r in limited]) or 0:.0f} requests{failures}",
            samples=[r.rate for r in limited],
        ),
        Measure(
            bench(scale),
            f"{label}: 429s seen (all runs)",
            float(seen_429),
            "count",
            target="0",
            met=seen_429 == 0,
            runs=len(runs),
        ),
        Measure(
            bench(scale),
            f"{label}: wall time",
            med([r.seconds for r in limited]),
            "s",
            reference=f"{pages} pages at exactly {RATE:g}/s",
            reference_value=(pages - 1) / RATE,
            runs=len(limited),
            note=f"items fetched {sorted({r.items for r in limited})}",
        ),
    ]


def bench(scale: int) -> str:
    return f"3. fetch {scale:,}-item account"


def med(values: Sequence[float]) -> float | None:
    return median(list(values))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k items, fewer runs")
    parser.add_argument("--scale", type=int, default=None, help="items (default 100000)")
    parser.add_argument("--runs", type=int, default=None, help="unlimited runs (default 5)")
    parser.add_argument("--limited-runs", type=int, default=None, help="default 3")
    args = parser.parse_args(argv)
    quick = quick_mode(argv)
    scale = args.scale or (10_000 if quick else 100_000)
    runs = args.runs or (3 if quick else 5)
    limited_runs = args.limited_runs or (1 if quick else 3)
    log(f"fetch: starting the demo server with scale={scale}")
    with DemoProcess(scale) as server:
        log(f"fetch: demo server ready in {server.startup_seconds:.1f}s on port {server.port}")
        measures = measure(server, scale, runs, limited_runs)
    emit(measures, title="Fetch")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

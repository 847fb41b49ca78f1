"""Concurrent paging at scale: every item exactly once and in order, and no 429 at max_rps.

The 100k case is benchmarks/bench_fetch.py; here 5k items keep the suite fast. Nothing here
asserts a duration: only what was requested and what came back.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.tokens import resolve_token
from invoicetui.demo.server import DemoServer, DemoStats
from invoicetui.demo.waldur import WaldurDemo
from invoicetui.providers.limits import RateLimiter
from invoicetui.providers.waldur.client import PROVIDER_ITEMS, WaldurClient

SCALE = 5000
ACCOUNT = "waldur-scale"


@pytest.fixture(scope="module")
def scale_server() -> Iterator[DemoServer]:
    server = DemoServer(providers={"waldur": WaldurDemo(scale=SCALE)})
    with server:
        yield server


@pytest.fixture
def server(scale_server: DemoServer) -> Iterator[DemoServer]:
    """The module's server with its limits and faults reset around each test."""
    scale_server.set_limit("waldur", None)
    scale_server.clear_faults()
    scale_server.stats = DemoStats()
    yield scale_server
    scale_server.set_limit("waldur", None)


def scale_account(server: DemoServer, **changes: Any) -> AccountConfig:
    demo = server.providers["waldur"]
    (account,) = [a for a in demo.accounts(server.base_url("waldur")) if a.name == ACCOUNT]
    return replace(account, **changes)


class Wire:
    """What the client sent and got, from httpx event hooks."""

    def __init__(self, client: WaldurClient) -> None:
        self.pages: list[int] = []
        self.statuses: Counter[int] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        client.http.event_hooks["request"].append(self.on_request)
        client.http.event_hooks["response"].append(self.on_response)

    async def on_request(self, request: httpx.Request) -> None:
        page = parse_qs(urlsplit(str(request.url)).query).get("page", ["1"])[0]
        self.pages.append(int(page))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)

    async def on_response(self, response: httpx.Response) -> None:
        self.in_flight -= 1
        self.statuses[response.status_code] += 1


async def serial_uuids(account: AccountConfig) -> list[str]:
    """The reference order: pages 1, 2, ... one after another, as the server lists them."""
    assert account.base_url is not None
    url = account.base_url.rstrip("/") + PROVIDER_ITEMS
    headers = {"Authorization": f"Token {resolve_token(account)}"}
    uuids: list[str] = []
    async with httpx.AsyncClient() as http:
        page = 1
        while True:
            response = await http.get(url, params={"page": page, "page_size": 300}, headers=headers)
            response.raise_for_status()
            uuids.extend(record["uuid"] for record in response.json())
            if 'rel="next"' not in response.headers.get("Link", ""):
                return uuids
            page += 1


async def test_concurrent_fetch_gives_every_item_once_in_order(server: DemoServer) -> None:
    account = scale_account(server, max_rps=1e9)
    async with WaldurClient(account, resolve_token(account)) as client:
        wire = Wire(client)
        records = await client.collect(PROVIDER_ITEMS, [], lambda _offset, page: page)
    expected = await serial_uuids(account)
    pages = -(-SCALE // WaldurClient.page_size)

    assert len(expected) == SCALE
    assert [record["uuid"] for record in records] == expected
    assert sorted(wire.pages) == list(range(1, pages + 1))  # each page once, no extra calls
    assert wire.max_in_flight > 1  # pages after the first were fetched concurrently
    assert wire.statuses == Counter({200: pages})


async def test_statements_hold_every_item_once(server: DemoServer) -> None:
    account = scale_account(server, max_rps=1e9)
    async with WaldurClient(account, resolve_token(account)) as client:
        statements = await client.list_invoices()

    assert sum(len(statement.line_items) for statement in statements) == SCALE
    months = [statement.id for statement in statements]
    assert len(months) == len(set(months)) >= 2


async def _fetch_under_server_limit(server: DemoServer, rate: float, burst: float) -> Wire:
    """20 pages at `rate` against the server's own token bucket (1 s at 20/s)."""
    server.set_limit("waldur", rate, burst=burst)
    account = scale_account(server, max_rps=rate)
    async with WaldurClient(account, resolve_token(account)) as client:
        client.page_size = SCALE // 20  # type: ignore[misc]
        wire = Wire(client)
        records = await client.collect(PROVIDER_ITEMS, [], lambda _offset, page: page)
    assert len(records) == SCALE
    return wire


async def test_rate_limited_fetch_sees_no_429(server: DemoServer) -> None:
    # The server tolerates two intervals of arrival jitter (burst 3), as a loaded CI machine
    # needs; a client that ignored max_rps (6 pages at once) or paced faster still gets 429s.
    wire = await _fetch_under_server_limit(server, 20.0, burst=3)

    assert wire.statuses[429] == 0
    assert server.stats.statuses[429] == 0
    assert sorted(wire.pages) == list(range(1, 21))


@pytest.mark.xfail(
    strict=False,
    reason="a burst-1 bucket tolerates no arrival jitter beyond the limiter's 3% headroom; "
    "it usually passes, but a loaded machine can still produce a 429 (benchmarks/README.md)",
)
async def test_rate_limited_fetch_sees_no_429_with_burst_1(server: DemoServer) -> None:
    wire = await _fetch_under_server_limit(server, 50.0, burst=1)

    assert wire.statuses[429] == 0
    assert server.stats.statuses[429] == 0


class ScheduleClock:
    """Virtual time that jumps to each granted start: the limiter's schedule, without sleeping."""

    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        target = self.t + max(0.0, seconds)
        await asyncio.sleep(0)
        self.t = max(self.t, target)


async def test_concurrent_pages_keep_to_the_rate_schedule(server: DemoServer) -> None:
    # Every request, page 1 included, waits its turn: starts are 1/max_rps apart, back to back.
    rate = 20.0
    clock = ScheduleClock()
    account = scale_account(server, max_rps=rate)
    starts: list[float] = []

    async def on_request(request: httpx.Request) -> None:
        starts.append(clock.now())

    async with WaldurClient(account, resolve_token(account), clock=clock) as client:
        client.http.event_hooks["request"].append(on_request)
        records = await client.collect(PROVIDER_ITEMS, [], lambda _offset, page: page)

    pages = -(-SCALE // WaldurClient.page_size)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(records) == SCALE
    assert len(starts) == pages
    interval = 1 / (rate * RateLimiter.HEADROOM)  # a little under max_rps
    assert min(gaps) >= interval - 1e-9
    assert starts[-1] - starts[0] == pytest.approx((pages - 1) * interval)

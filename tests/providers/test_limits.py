"""The shared HTTP core (providers/base.py + limits.py): retries, Retry-After, pacing.

Driven through the Palette and Zilliz clients against the demo server's faults, with a
FakeClock: sleeping only advances fake time and is recorded, so nothing really waits.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import (
    AuthError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ResponseFormatError,
    ServerError,
)
from invoicetui.core.model import Invoice
from invoicetui.demo.palette import PaletteDemo
from invoicetui.demo.server import DemoServer, Fault
from invoicetui.demo.zilliz import ZillizDemo
from invoicetui.providers.base import ProviderClient
from invoicetui.providers.limits import FakeClock, RateLimiter, RetryPolicy, parse_retry_after
from invoicetui.providers.palette.client import PaletteClient
from invoicetui.providers.zilliz.client import ZillizClient


def gap(rps: float) -> float:
    """The limiter's spacing at max_rps: a little under the limit (RateLimiter.HEADROOM)."""
    return 1 / (rps * RateLimiter.HEADROOM)


PALETTE = PaletteDemo()
ZILLIZ = ZillizDemo()
CLIENTS: dict[str, type[ProviderClient]] = {"palette": PaletteClient, "zilliz": ZillizClient}
# A path each provider's check() calls.
CHECK_PATH = {"palette": "/v1/users/info", "zilliz": "/v2/invoices"}


@pytest.fixture(scope="module")
def _server() -> Iterator[DemoServer]:
    providers: dict[str, Any] = {"palette": PALETTE, "zilliz": ZILLIZ}
    with DemoServer(providers=providers, rate_limits=False) as srv:
        yield srv


@pytest.fixture
def server(_server: DemoServer) -> Iterator[DemoServer]:
    _server.clear_faults()
    yield _server
    _server.clear_faults()


def account(server: DemoServer, provider: str) -> AccountConfig:
    demo: Any = PALETTE if provider == "palette" else ZILLIZ
    return demo.accounts(server.base_url(provider))[0]  # type: ignore[no-any-return]


def make(
    server: DemoServer, provider: str, *, retry: RetryPolicy | None = None, **kwargs: Any
) -> ProviderClient:
    acc = account(server, provider)
    assert acc.token is not None
    return CLIENTS[provider](
        acc, acc.token, clock=FakeClock(), rng=random.Random(7), retry=retry, **kwargs
    )


def sleeps(client: ProviderClient) -> list[float]:
    assert isinstance(client.clock, FakeClock)
    return client.clock.sleeps


def served(server: DemoServer, provider: str) -> int:
    return server.stats.requests[provider]


BOTH = pytest.mark.parametrize("provider", ["palette", "zilliz"])


# ---------------------------------------------------------------- retried answers


@BOTH
async def test_429_with_retry_after_seconds_is_honoured(server: DemoServer, provider: str) -> None:
    server.add_fault(Fault("429", provider, CHECK_PATH[provider], times=2, retry_after="7"))
    before = served(server, provider)
    async with make(server, provider) as c:
        await c.check()
    assert sleeps(c) == [7.0, 7.0]
    assert served(server, provider) - before == 3


async def test_429_with_retry_after_http_date(server: DemoServer) -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    server.add_fault(Fault("429", "zilliz", times=1, retry_after=format_datetime(when, True)))
    async with make(server, "zilliz") as c:
        await c.check()
    (waited,) = sleeps(c)
    assert 25.0 <= waited <= 30.0


async def test_429_with_past_http_date_retries_at_once(server: DemoServer) -> None:
    server.add_fault(Fault("429", "palette", times=1, retry_after="Wed, 21 Oct 2015 07:28:00 GMT"))
    async with make(server, "palette") as c:
        await c.check()
    # Retry-After in the past: retry at once, still paced by the rate limiter (8 rps).
    assert sleeps(c) == pytest.approx([0.0, gap(8)])


async def test_429_without_retry_after_backs_off_exponentially_with_jitter(
    server: DemoServer,
) -> None:
    server.add_fault(Fault("429", "palette", times=3))
    policy = RetryPolicy(base_delay=1.0)
    async with make(server, "palette", retry=policy) as c:
        await c.check()
    rng = random.Random(7)
    assert sleeps(c) == [policy.backoff(n, rng) for n in (1, 2, 3)]
    first, second, third = sleeps(c)
    assert 0.5 <= first <= 1.0 and 1.0 <= second <= 2.0 and 2.0 <= third <= 4.0


async def test_retry_after_beyond_60_s_fails_naming_the_wait(server: DemoServer) -> None:
    server.add_fault(Fault("429", "zilliz", times=1, retry_after="3600"))
    async with make(server, "zilliz") as c:
        with pytest.raises(RateLimited, match=r"asked to wait 3600 s \(1 h\)"):
            await c.check()
    assert sleeps(c) == []


@pytest.mark.parametrize("kind", ["502", "503"])
@BOTH
async def test_gateway_errors_are_retried(server: DemoServer, provider: str, kind: str) -> None:
    server.add_fault(Fault(kind, provider, times=2))
    before = served(server, provider)
    async with make(server, provider) as c:
        await c.check()
    assert len(sleeps(c)) == 2
    assert served(server, provider) - before == 3


async def test_dropped_connection_is_retried(server: DemoServer) -> None:
    server.add_fault(Fault("drop", "zilliz", times=1))
    async with make(server, "zilliz") as c:
        await c.check()
    assert len(sleeps(c)) == 1


async def test_read_timeout_is_retried() -> None:
    # Its own server: the slow handler finishes after the test and must not count elsewhere.
    providers: dict[str, Any] = {"palette": PALETTE}
    with DemoServer(providers=providers, rate_limits=False) as own:
        own.add_fault(Fault("slow", "palette", times=1, delay=0.3))
        acc = dataclasses.replace(account(own, "palette"), timeout=0.05)
        async with PaletteClient(acc, acc.token or "", clock=FakeClock()) as c:
            await c.check()
    assert len(sleeps(c)) == 1


# ---------------------------------------------------------------- bounded retries


async def test_retries_are_bounded_in_count(server: DemoServer) -> None:
    server.add_fault(Fault("429", "zilliz"))  # forever
    before = served(server, "zilliz")
    async with make(server, "zilliz") as c:
        with pytest.raises(RateLimited) as info:
            await c.check()
    assert served(server, "zilliz") - before == RetryPolicy().max_attempts
    assert len(sleeps(c)) == RetryPolicy().max_attempts - 1
    assert "vector-db" in str(info.value) and "(429)" in str(info.value)


async def test_retries_are_bounded_in_total_time(server: DemoServer) -> None:
    server.add_fault(Fault("503", "palette", retry_after=None))
    policy = RetryPolicy(max_attempts=50, base_delay=1.0, max_total=10.0)
    async with make(server, "palette", retry=policy) as c:
        with pytest.raises(ServerError):
            await c.check()
    assert sum(sleeps(c)) <= policy.max_total
    assert len(sleeps(c)) < 10


async def test_retry_after_beyond_total_budget_gives_up_early(server: DemoServer) -> None:
    server.add_fault(Fault("429", "zilliz", retry_after="4"))
    before = served(server, "zilliz")
    async with make(server, "zilliz", retry=RetryPolicy(max_total=10.0)) as c:
        with pytest.raises(RateLimited):
            await c.check()
    assert sleeps(c) == [4.0, 4.0]
    assert served(server, "zilliz") - before == 3


# ---------------------------------------------------------------- never retried


@BOTH
async def test_malformed_json_is_response_format_error(server: DemoServer, provider: str) -> None:
    server.add_fault(Fault("malformed", provider, times=1))
    before = served(server, provider)
    async with make(server, provider) as c:
        with pytest.raises(ResponseFormatError) as info:
            await c.check()
    assert sleeps(c) == [] and served(server, provider) - before == 1
    assert "not valid JSON" in str(info.value)


@BOTH
async def test_wrong_token_is_auth_error_naming_account_not_token(
    server: DemoServer, provider: str
) -> None:
    server.add_fault(Fault("wrong_token", provider, times=1))
    acc = account(server, provider)
    before = served(server, provider)
    async with make(server, provider) as c:
        with pytest.raises(AuthError) as info:
            await c.list_invoices()
    message = str(info.value)
    assert f"account '{acc.name}'" in message and "(401)" in message
    assert acc.token and acc.token not in message
    assert sleeps(c) == [] and served(server, provider) - before == 1


async def test_other_4xx_are_not_retried(server: DemoServer) -> None:
    acc = account(server, "palette")
    before = served(server, "palette")
    async with make(server, "palette") as c:
        with pytest.raises(NotFound):
            await c.fetch_invoice(
                Invoice(account=acc.name, provider="palette", id="missing", detailed=False)
            )
    # users/info + the detail, once each; the only sleep is the limiter's pacing (8 rps).
    assert served(server, "palette") - before == 2 and sleeps(c) == pytest.approx([gap(8)])


async def test_nonzero_code_in_200_is_not_retried(server: DemoServer) -> None:
    from invoicetui.demo.zilliz import NO_PREVIEW_KEY

    acc = account(server, "zilliz")
    before = served(server, "zilliz")
    async with ZillizClient(acc, NO_PREVIEW_KEY, clock=FakeClock()) as c:
        with pytest.raises(PermissionDenied):
            await c.check()
    assert sleeps(c) == [] and served(server, "zilliz") - before == 1


# ---------------------------------------------------------------- pacing


async def test_rate_limiter_spaces_sequential_requests(server: DemoServer) -> None:
    acc = dataclasses.replace(account(server, "palette"), max_rps=4)
    async with PaletteClient(acc, acc.token or "", clock=FakeClock()) as c:
        for _ in range(5):
            await c.check()
    assert sleeps(c) == pytest.approx([gap(4)] * 4)


async def test_default_rates_stay_under_documented_limits(server: DemoServer) -> None:
    assert PaletteClient.default_max_rps < 10 and ZillizClient.default_max_rps < 20
    async with make(server, "zilliz") as c:
        assert c.limiter.interval == pytest.approx(gap(10))


@dataclasses.dataclass
class PacedClock(FakeClock):
    """FakeClock whose concurrent sleepers overlap (time = latest wake, not the sum of sleeps)
    and which records each wake time: for the limiter that is the start it granted."""

    wakes: list[float] = dataclasses.field(default_factory=list)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        wake = self.t + max(0.0, seconds)
        self.wakes.append(wake)
        self.t = max(self.t, wake)
        await asyncio.sleep(0)


async def test_concurrent_zilliz_pages_are_paced(server: DemoServer) -> None:
    clock = PacedClock()
    sent: list[str] = []

    async def count(request: httpx.Request) -> None:
        sent.append(request.url.params["currentPage"])

    acc = account(server, "zilliz")
    http = httpx.AsyncClient(event_hooks={"request": [count]})
    async with ZillizClient(
        acc, acc.token or "", http=http, clock=clock, page_size=2, page_concurrency=4
    ) as c:
        invoices = await c.list_invoices()
    await http.aclose()
    assert len(invoices) == 20 and len(sent) == 10
    # The first request goes at t=0; every later one waits for the start the limiter grants.
    starts = sorted([0.0, *clock.wakes])
    assert len(starts) == 10
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) == pytest.approx(gap(10))  # never above 10 requests per second


async def test_rate_limiter_under_concurrency() -> None:
    clock = PacedClock()
    limiter = RateLimiter(5, clock)
    await asyncio.gather(*(limiter.acquire() for _ in range(6)))
    starts = sorted([0.0, *clock.wakes])
    assert len(starts) == 6
    assert [b - a for a, b in itertools.pairwise(starts)] == pytest.approx([gap(5)] * 5)


def test_rate_limiter_off_for_zero_rps() -> None:
    assert RateLimiter(0, FakeClock()).interval == 0.0
    assert RateLimiter(None, FakeClock()).interval == 0.0


# ---------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5.0),
        (" 2.5 ", 2.5),
        ("0", 0.0),
        ("-1", None),
        ("nan", None),
        ("soon", None),
        ("", None),
        (None, None),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 10.0),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(1994, 11, 6, 8, 49, 27, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == expected


def test_backoff_is_capped_and_jittered() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=60.0)
    rng = random.Random(3)
    for attempt in range(1, 20):
        delay = policy.backoff(attempt, rng)
        ceiling = min(60.0, 2.0 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling


async def test_limiter_slows_down_after_429_and_recovers() -> None:
    """A 429 halves the pace (bounded); successes creep back to the configured pace."""
    from invoicetui.providers.limits import RateLimiter

    limiter = RateLimiter(10, FakeClock())
    base = limiter.interval
    assert base == pytest.approx(1 / (10 * RateLimiter.HEADROOM))
    limiter.slow_down()
    assert limiter.interval == pytest.approx(base * 2)
    for _ in range(10):
        limiter.slow_down()
    assert limiter.interval == pytest.approx(base * RateLimiter.MAX_SLOWDOWN)
    for _ in range(200):
        limiter.recovered()
    assert limiter.interval == pytest.approx(base)


async def test_limiter_never_bursts_after_a_stall() -> None:
    """Waiters leave one interval apart from when each really left, even after a stall."""
    from invoicetui.providers.limits import RateLimiter

    clock = FakeClock()
    limiter = RateLimiter(10, clock)
    await limiter.acquire()
    clock.t += 5.0  # the event loop was busy for 5 s: no catch-up burst may follow
    starts = []
    for _ in range(3):
        await limiter.acquire()
        starts.append(clock.now())
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= limiter.interval - 1e-9 for gap in gaps)

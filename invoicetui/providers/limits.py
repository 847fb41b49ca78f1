"""Request pacing and retry timing, with an injectable clock so tests never sleep."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    """Monotonic time and asyncio.sleep."""

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass
class FakeClock:
    """For tests: sleeping advances time at once and is recorded."""

    t: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += max(0.0, seconds)
        await asyncio.sleep(0)


class RateLimiter:
    """Spaces request starts at least 1/rps apart (burst 1): never above the rate, close to it.

    Waiters go one at a time and the next slot is stamped from when a request really
    leaves, so an event-loop stall never lets queued requests out in a catch-up burst
    (a server counting arrivals would answer that burst with 429s).
    """

    # Pace a little under the limit: arrival jitter at the server then stays inside it.
    HEADROOM = 0.97
    # After a 429 the pace halves (down to an eighth), then recovers 5% per success.
    MAX_SLOWDOWN = 8.0

    def __init__(self, rps: float | None, clock: Clock) -> None:
        self.base_interval = 1.0 / (rps * self.HEADROOM) if rps and rps > 0 else 0.0
        self.interval = self.base_interval
        self.clock = clock
        self._next = 0.0
        self._lock = asyncio.Lock()

    def slow_down(self) -> None:
        """The server said 429: halve the pace (bounded), so retries stop feeding it."""
        if self.base_interval:
            self.interval = min(self.base_interval * self.MAX_SLOWDOWN, self.interval * 2)

    def recovered(self) -> None:
        """A request went through: creep back toward the configured pace."""
        if self.interval > self.base_interval:
            self.interval = max(self.base_interval, self.interval * 0.95)

    async def acquire(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            wait = self._next - self.clock.now()
            if wait > 0:
                await self.clock.sleep(wait)
            self._next = self.clock.now() + self.interval


@dataclass(frozen=True)
class RetryPolicy:
    """Retry 429/502/503/504 and transport failures; bounded in count and in total time.

    A status the server asks us to retry gets up to max_attempts; a connect error one quick
    retry (a refused port will not open in a second); a timeout or a broken body one retry;
    a TLS error none. A Retry-After above max_retry_after fails at once, naming the wait.
    max_total bounds the waits of one request, and account_budget the seconds all of an
    account's failed attempts and waits may add up to before its failures become final.
    """

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_total: float = 120.0
    retry_statuses: frozenset[int] = frozenset({429, 502, 503, 504})
    connect_attempts: int = 2
    connect_delay: float = 0.25
    transport_attempts: int = 2
    max_retry_after: float = 60.0
    account_budget: float = 120.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Exponential from base_delay, capped, with jitter in [50%, 100%]."""
        delay = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return float(delay * rng.uniform(0.5, 1.0))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: an integer, or an HTTP date (RFC 9110)."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = float((when - (now or datetime.now(UTC))).total_seconds())
        return max(0.0, seconds)
    if seconds != seconds or seconds < 0:  # NaN or negative
        return None
    return seconds

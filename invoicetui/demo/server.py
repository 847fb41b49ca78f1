"""The demo server: the four fake provider APIs on one loopback port, over real HTTP.

Each provider is mounted under its own prefix (/palette, /waldur, /doit, /zilliz) with the
provider's real paths below it, so a base_url of http://127.0.0.1:PORT/doit works unchanged.
Faults can be switched on per provider and path for tests and benchmarks.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from invoicetui.config.accounts import AccountConfig
from invoicetui.demo.protocol import DemoRequest, DemoResponse
from invoicetui.demo.replies import encode_json, rate_limited, unauthorized

__all__ = ["DemoRequest", "DemoResponse", "DemoServer", "Fault", "ProviderDemo"]

PROVIDER_PREFIXES = ("palette", "waldur", "doit", "zilliz")


class ProviderDemo(Protocol):
    """One fake provider API."""

    name: str

    def handle(self, request: DemoRequest) -> DemoResponse: ...

    def accounts(self, base_url: str) -> list[AccountConfig]:
        """The demo accounts this fake serves, as a config would name them (tokens inline)."""
        ...


@dataclass
class Fault:
    """A switchable misbehaviour.

    kind: "429" (with Retry-After `retry_after` when set), "503", "502", "slow" (sleep
    `delay` seconds first), "malformed" (200 with broken JSON), "wrong_token" (the
    provider's own 401), "drop" (close the connection), "trickle" (send the real answer's
    body in 64-byte pieces `delay` seconds apart, like a slow download).
    """

    kind: str
    provider: str | None = None
    path_contains: str | None = None
    times: int | None = None  # None: forever
    retry_after: str | None = None
    delay: float = 0.0

    def matches(self, provider: str, path: str) -> bool:
        if self.provider and self.provider != provider:
            return False
        return not (self.path_contains and self.path_contains not in path)


class TokenBucket:
    """Server-side rate limit, as the real APIs enforce it."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            return False


@dataclass
class DemoStats:
    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    max_in_flight: int = 0  # the most requests being handled at once (bounded concurrency)

    def begin(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def end(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def record(self, provider: str, status: int) -> None:
        with self.lock:
            self.requests[provider] += 1
            self.statuses[status] += 1


class DemoServer:
    """Serves the providers in a background thread; use as a context manager."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        scale: int = 0,
        doit_scale: int | None = None,
        rate_limits: bool = True,
        providers: dict[str, ProviderDemo] | None = None,
    ) -> None:
        if providers is None:
            providers = build_providers(scale=scale, doit_scale=doit_scale)
        self.providers = providers
        self.faults: list[Fault] = []
        self.fault_lock = threading.Lock()
        self.stats = DemoStats()
        self.served: Counter[str] = Counter()  # (provider + path + query) -> times answered
        # Documented limits: Palette 10 req/s per IP with a burst of 5; Zilliz 20 req/s.
        self.limits: dict[str, TokenBucket] = {}
        if rate_limits:
            self.limits = {"palette": TokenBucket(10, 5), "zilliz": TokenBucket(20, 20)}
        self.httpd = _Server((host, port), _make_handler(self))
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def host(self) -> str:
        return str(self.httpd.server_address[0])

    def base_url(self, provider: str) -> str:
        return f"http://{self.host}:{self.port}/{provider}"

    def set_limit(self, provider: str, rate: float | None, burst: float = 1) -> None:
        if rate is None:
            self.limits.pop(provider, None)
        else:
            self.limits[provider] = TokenBucket(rate, burst)

    def add_fault(self, fault: Fault) -> Fault:
        with self.fault_lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self.fault_lock:
            self.faults.clear()

    def take_fault(self, provider: str, path: str) -> Fault | None:
        with self.fault_lock:
            for fault in self.faults:
                if fault.matches(provider, path):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        return None

    def start(self) -> DemoServer:
        # A short poll interval: stop() (shutdown) waits up to one interval, per test.
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="demo-server"
        )
        self.thread.daemon = True
        self.thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread:
            self.thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ dispatch

    def dispatch(self, method: str, raw_path: str, headers: dict[str, str]) -> DemoResponse | None:
        """None means: drop the connection."""
        parts = urlsplit(raw_path)
        segments = parts.path.split("/", 2)
        provider = segments[1] if len(segments) > 1 else ""
        demo = self.providers.get(provider)
        if demo is None:
            return DemoResponse(404, {"detail": "Not found."})
        path = "/" + (segments[2] if len(segments) > 2 else "")
        fault = self.take_fault(provider, path)
        trickle = fault.delay if fault is not None and fault.kind == "trickle" else 0.0
        if fault is not None and not trickle:
            handled = self._apply_fault(fault, demo, provider, path)
            if handled is not _CONTINUE:
                return handled  # type: ignore[return-value]
        bucket = self.limits.get(provider)
        if bucket is not None and not bucket.take():
            return rate_limited(provider, None)
        with self.fault_lock:
            repeat = self.served[raw_path]
            self.served[raw_path] += 1
        request = DemoRequest(
            method=method,
            provider=provider,
            path=path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=headers,
            base_url=f"http://{headers.get('host') or f'{self.host}:{self.port}'}/{provider}",
            repeat=repeat,
        )
        response = demo.handle(request)
        if trickle:
            response.chunk_delay = trickle
        return response

    def _apply_fault(
        self, fault: Fault, demo: ProviderDemo, provider: str, path: str
    ) -> DemoResponse | object | None:
        if fault.kind == "slow":
            time.sleep(fault.delay)
            return _CONTINUE
        if fault.kind == "429":
            return rate_limited(provider, fault.retry_after)
        if fault.kind in ("502", "503", "504"):
            page = b"<html>upstream unavailable</html>"
            return DemoResponse(int(fault.kind), page, {}, "text/html")
        if fault.kind == "malformed":
            return DemoResponse(200, b'{"invoices": [ {"id": "x", ', {}, "application/json")
        if fault.kind == "wrong_token":
            return unauthorized(provider)
        if fault.kind == "drop":
            return None
        raise ValueError(f"unknown fault kind {fault.kind!r}")


_CONTINUE = object()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def _make_handler(server: DemoServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Without this, keep-alive replies stall ~40 ms on delayed ACKs.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self._serve("GET")

        def do_HEAD(self) -> None:
            self._serve("HEAD")

        def _serve(self, method: str) -> None:
            stats = server.stats
            stats.begin()
            try:
                self._answer(method)
            finally:
                stats.end()

        def _answer(self, method: str) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            response = server.dispatch(method, self.path, headers)
            if response is None:
                self.close_connection = True
                return
            if isinstance(response.body, bytes):
                payload = response.body
            elif response.body is None:
                payload = b""
            else:
                payload = encode_json(response.body)
            provider = self.path.split("/", 2)[1] if self.path.count("/") >= 1 else ""
            server.stats.record(provider, response.status)
            self.send_response(response.status)
            if payload or response.status != 204:
                self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.end_headers()
            if method == "HEAD":
                return
            if not response.chunk_delay:
                self.wfile.write(payload)
                return
            try:
                for start in range(0, len(payload), 64):
                    self.wfile.write(payload[start : start + 64])
                    self.wfile.flush()
                    time.sleep(response.chunk_delay)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client went away mid-body

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def build_providers(scale: int = 0, doit_scale: int | None = None) -> dict[str, ProviderDemo]:
    """All four fake APIs with their deterministic data (scale adds the big accounts).

    `doit_scale` sizes the DoiT scale account on its own (it holds doit_scale/10 invoices);
    by default it follows `scale`.
    """
    from invoicetui.demo.doit import DoitDemo
    from invoicetui.demo.palette import PaletteDemo
    from invoicetui.demo.waldur import WaldurDemo
    from invoicetui.demo.zilliz import ZillizDemo

    return {
        "palette": PaletteDemo(),
        "waldur": WaldurDemo(scale=scale),
        "doit": DoitDemo(scale=scale if doit_scale is None else doit_scale),
        "zilliz": ZillizDemo(),
    }


HandlerFunc = Callable[[DemoRequest], DemoResponse]


def demo_accounts(server: DemoServer) -> list[AccountConfig]:
    """Every demo account, pointed at this server."""
    accounts: list[AccountConfig] = []
    for name, demo in server.providers.items():
        accounts.extend(demo.accounts(server.base_url(name)))
    return accounts

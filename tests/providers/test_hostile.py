"""The HTTP core against a misbehaving server (tests/hostile_server.py): every fault class of
CONTRACT "Untrusted input" ends the request with one clear error, in bounded attempts.

Timings are not asserted here (benchmarks/bench_faults.py measures them); the tests assert
what the server saw (attempts) and what the user reads. Retry waits go through a FakeClock,
and per-attempt deadlines are a fraction of a second: nothing sleeps to wait.
"""

from __future__ import annotations

import random
import socket
import ssl
from typing import Any

import httpx
import pytest
from hostile_server import HostileServer

from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import (
    AuthError,
    BadRequest,
    BodyTooLarge,
    NetworkError,
    ProviderError,
    RateLimited,
    ResponseFormatError,
)
from invoicetui.core.model import Invoice
from invoicetui.providers import make_client
from invoicetui.providers.base import ProviderClient
from invoicetui.providers.limits import FakeClock

TOKEN = "tok-SECRET-4711-abcdef"
TIMEOUT = 0.5


def account(provider: str, base_url: str, **kwargs: Any) -> AccountConfig:
    values: dict[str, Any] = {"timeout": TIMEOUT, "max_rps": 0, "token": TOKEN}
    if provider == "palette":
        values["tenant_uid"] = "t1"
    values.update(kwargs)
    return AccountConfig(name=f"{provider}-x", provider=provider, base_url=base_url, **values)


def client(provider: str, base_url: str, **kwargs: Any) -> ProviderClient:
    pages: list[Invoice] = []
    c = make_client(
        account(provider, base_url, **kwargs),
        TOKEN,
        clock=FakeClock(),
        rng=random.Random(1),
        on_page=pages.extend,
    )
    c.streamed = pages  # type: ignore[attr-defined]
    return c


def sleeps(c: ProviderClient) -> list[float]:
    assert isinstance(c.clock, FakeClock)
    return c.clock.sleeps


async def fails(c: ProviderClient, kind: type[ProviderError], call: str = "check") -> str:
    async with c:
        with pytest.raises(kind) as info:
            await getattr(c, call)()
    message = str(info.value)
    assert TOKEN not in message
    return message


# ---------------------------------------------------------------- slow or endless


@pytest.mark.parametrize(
    "scenario",
    ["trickle~0.05", "trickle-head~0.05", "stall", "short", "short~close"],
)
async def test_slow_answers_fail_per_attempt_and_retry_once(
    hostile: HostileServer, scenario: str
) -> None:
    # The trickles send a byte every 0.05 s: httpx's per-read timeout (0.5 s) never trips,
    # only the deadline over the whole attempt does.
    c = client("zilliz", hostile.url(scenario))
    message = await fails(c, NetworkError)
    name = scenario.partition("~")[0]
    assert hostile.hits[name] == 2  # one retry, then the account fails
    assert len(sleeps(c)) == 1
    assert "zilliz-x" in message
    if scenario != "short~close":
        assert f"no complete answer within {TIMEOUT:g} s" in message
    else:
        assert "closed the connection" in message


# ---------------------------------------------------------------- oversized


@pytest.mark.parametrize("scenario", ["bomb", "big", "big-declared"])
async def test_bodies_over_64_mib_fail_and_are_not_retried(
    hostile: HostileServer, scenario: str
) -> None:
    c = client("zilliz", hostile.url(scenario), timeout=20)
    message = await fails(c, BodyTooLarge)
    assert "larger than 64 MiB" in message
    assert hostile.hits[scenario] == 1 and sleeps(c) == []


async def test_a_small_gzip_body_is_read(hostile: HostileServer) -> None:
    from invoicetui.providers.transport import read_limited_get

    async with client("zilliz", hostile.url("bomb~3")) as c:
        response = await read_limited_get(c.http, hostile.url("bomb~3"), deadline=5)
    assert response.content == b" " * (3 * 1024 * 1024)
    assert "content-encoding" not in response.headers


# ---------------------------------------------------------------- redirects


@pytest.mark.parametrize("arg", ["", "loop", "host"])
async def test_redirects_are_not_followed(hostile: HostileServer, arg: str) -> None:
    c = client("doit", hostile.url(f"redirect~{arg}"))
    before = hostile.connections
    message = await fails(c, BadRequest)
    assert "redirect" in message and "base_url" in message
    assert hostile.hits["redirect"] == 1 and hostile.connections == before + 1


# ---------------------------------------------------------------- paging that never ends


@pytest.mark.parametrize(
    ("provider", "scenario", "expected"),
    [
        ("doit", "doit-same-token", "DoiT returned a page token it had already sent"),
        ("doit", "doit-fresh-tokens", "DoiT returned fresh page tokens"),
        ("waldur", "waldur-cycle", "Waldur returned page links that loop"),
        ("waldur", "waldur-same-records", "Waldur returned fresh page links"),
        ("waldur", "waldur-count-lies", "Waldur returned pages"),
        ("zilliz", "zilliz-count-lies", "Zilliz returned pages"),
        ("palette", "palette-cycle", "Palette returned a page token it had already sent"),
        ("palette", "palette-cycle~fresh", "Palette returned fresh page tokens"),
    ],
)
async def test_paging_that_never_ends_stops_naming_the_fault(
    hostile: HostileServer, provider: str, scenario: str, expected: str
) -> None:
    c = client(provider, hostile.url(scenario))
    message = await fails(c, ResponseFormatError, "list_invoices")
    assert expected in message
    assert hostile.hits[scenario.partition("~")[0]] <= 12
    streamed = [inv.id for inv in c.streamed]  # type: ignore[attr-defined]
    assert len(streamed) == len(set(streamed)), "an invoice was shown twice"


# ---------------------------------------------------------------- retries


async def test_bad_certificate_is_not_retried(hostile_tls: HostileServer) -> None:
    c = client("zilliz", hostile_tls.url("ok"))
    before = hostile_tls.connections
    message = await fails(c, NetworkError)
    assert "TLS" in message and "127.0.0.1" in message and "certificate" in message
    assert hostile_tls.connections == before + 1 and sleeps(c) == []


async def test_verify_tls_false_reaches_the_self_signed_server(hostile_tls: HostileServer) -> None:
    async with client("zilliz", hostile_tls.url("ok"), verify_tls=False) as c:
        assert await c.list_invoices() == []


@pytest.mark.parametrize("wait", ["3600", "61"])
async def test_retry_after_beyond_60_s_fails_naming_the_wait(
    hostile: HostileServer, wait: str
) -> None:
    c = client("palette", hostile.url(f"429~{wait}"))
    message = await fails(c, RateLimited, "list_invoices")
    assert f"asked to wait {wait} s" in message
    assert hostile.hits["429"] == 1 and sleeps(c) == []


async def test_retry_after_of_60_s_is_honoured(hostile: HostileServer) -> None:
    c = client("palette", hostile.url("429~60"))
    message = await fails(c, RateLimited, "list_invoices")
    assert sleeps(c) == [60.0, 60.0]  # then the request's 120 s budget is spent
    assert hostile.hits["429"] == 3 and "(429)" in message


# ---------------------------------------------------------------- connect errors


async def test_refused_connection_is_retried_once_quickly() -> None:
    c = client("doit", "http://127.0.0.1:1")
    message = await fails(c, NetworkError)
    assert "127.0.0.1:1" in message and "refused" in message
    (wait,) = sleeps(c)
    assert wait <= 0.5


# ---------------------------------------------------------------- the token


@pytest.mark.parametrize("provider", ["palette", "waldur", "doit", "zilliz"])
async def test_an_echoed_token_is_redacted(hostile: HostileServer, provider: str) -> None:
    c = client(provider, hostile.url("echo-token"))
    message = await fails(c, AuthError, "list_invoices")
    assert "***" in message


async def test_an_echoed_token_in_a_200_error_body_is_redacted(hostile: HostileServer) -> None:
    # Zilliz reports errors inside 200 bodies too; its message must be redacted as well.
    c = client("zilliz", hostile.url("echo-token~200"))
    message = await fails(c, AuthError)
    assert "***" in message


async def test_an_account_that_spent_its_retry_budget_fails_at_once(
    hostile: HostileServer,
) -> None:
    from invoicetui.core.errors import ServerError
    from invoicetui.providers.limits import RetryPolicy

    acc = account("doit", hostile.url("status~503"))
    policy = RetryPolicy(base_delay=2.0, account_budget=5.0)
    async with make_client(acc, TOKEN, clock=FakeClock(), rng=random.Random(1), retry=policy) as c:
        with pytest.raises(ServerError, match=r"failed attempts and waits reached 5 s"):
            await c.check()
        asked = hostile.hits["status"]
        assert 2 <= asked < policy.max_attempts
        with pytest.raises(ServerError, match="gave up"):
            await c.list_invoices()
    assert hostile.hits["status"] == asked  # the second request did not go out


# ---------------------------------------------------------------- naming the cause


def _chained(outer: Exception, *causes: BaseException) -> Exception:
    current: BaseException = outer
    for cause in causes:
        current.__cause__ = cause
        current = cause
    return outer


@pytest.mark.parametrize(
    ("exc", "kind", "words"),
    [
        (
            _chained(httpx.ConnectError("x"), socket.gaierror(-2, "Name or service not known")),
            "dns",
            "DNS: cannot resolve api.example.com (Name or service not known)",
        ),
        (
            _chained(httpx.ConnectError("x"), ConnectionRefusedError(111, "refused")),
            "connect",
            "api.example.com:8443 refused the connection",
        ),
        (httpx.ConnectTimeout("x"), "connect", "connecting to api.example.com:8443 timed out"),
        (
            _chained(httpx.ConnectError("x"), ssl.SSLCertVerificationError(1, "verify failed")),
            "tls",
            "TLS: the certificate of api.example.com was not accepted",
        ),
        (httpx.ReadTimeout("x"), "timeout", "api.example.com stopped answering (timeout)"),
        (httpx.RemoteProtocolError("x"), "broken", "closed the connection before"),
    ],
)
def test_failures_name_the_host_and_the_cause(exc: Exception, kind: str, words: str) -> None:
    from invoicetui.providers.transport import describe

    failure = describe(exc, httpx.URL("https://api.example.com:8443/v2/invoices"))
    assert failure.kind == kind and words in failure.message
    assert failure.retryable == (kind != "tls")

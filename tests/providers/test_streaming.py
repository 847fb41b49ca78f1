"""Streaming a document through the HTTP core: retries restart the body, caps hold, errors map.

Adversarial transports in-process (httpx.MockTransport): bodies cut mid-way, 503s, a body
larger than announced or than the cap, an HTML page instead of a PDF, a redirect.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import AuthError, BadRequest, NetworkError
from invoicetui.core.model import Invoice
from invoicetui.providers.limits import FakeClock, RetryPolicy
from invoicetui.providers.palette.client import REPORTS, PaletteClient
from invoicetui.providers.streaming import BodyTooLarge

ACCOUNT = AccountConfig(
    name="acme", provider="palette", base_url="http://127.0.0.1:9", tenant_uid="t1"
)
INVOICE = Invoice("acme", "palette", "inv/1")  # a "/" in an id must stay one path segment
PDF = b"%PDF-1.4\n" + b"x" * 5000 + b"\n%%EOF\n"


class Sink:
    def __init__(self) -> None:
        self.data = bytearray()
        self.restarts = 0

    def restart(self) -> None:
        self.restarts += 1
        self.data.clear()

    def write(self, chunk: bytes) -> None:
        self.data += chunk


class Broken(httpx.AsyncByteStream):
    """Yields some bytes, then fails like a connection reset."""

    def __init__(self, head: bytes) -> None:
        self.head = head

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.head
        raise httpx.ReadError("connection reset by peer")


class Chunks(httpx.AsyncByteStream):
    def __init__(self, body: bytes, size: int = 1000) -> None:
        self.body, self.size = body, size

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.body), self.size):
            yield self.body[start : start + self.size]


def client(handler: Callable[[httpx.Request], httpx.Response]) -> PaletteClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return PaletteClient(
        ACCOUNT, "key", http=http, clock=FakeClock(), retry=RetryPolicy(max_attempts=3)
    )


async def test_streams_the_report_in_chunks_with_auth() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, stream=Chunks(PDF))

    sink = Sink()
    async with client(handler) as c:
        result = await c.download_document(INVOICE, "usage", sink, max_bytes=1 << 20)
    assert bytes(sink.data) == PDF and result.size == len(PDF)
    assert seen[0].url.raw_path.decode() == f"/v1/tenants/t1/invoices/inv%2F1/{REPORTS['usage']}"
    assert seen[0].headers["ApiKey"] == "key"
    assert set(c.document_kinds) == {"invoice", "report", "usage"}


async def test_a_body_cut_mid_way_is_retried_from_the_start() -> None:
    answers = [
        httpx.Response(200, stream=Broken(PDF[:700])),
        httpx.Response(503, text="<html>busy</html>"),
        httpx.Response(200, stream=Chunks(PDF)),
    ]
    sink = Sink()
    async with client(lambda _r: answers.pop(0)) as c:
        await c.download_document(INVOICE, "invoice", sink, max_bytes=1 << 20)
        assert c.requests_made == 3
    assert bytes(sink.data) == PDF  # nothing of the cut attempt is kept
    assert sink.restarts == 3


async def test_a_body_that_keeps_breaking_fails_with_a_clear_network_error() -> None:
    sink = Sink()
    async with client(lambda _r: httpx.Response(200, stream=Broken(PDF[:100]))) as c:
        with pytest.raises(NetworkError, match=r"network error|connection"):
            await c.download_document(INVOICE, "invoice", sink, max_bytes=1 << 20)
        # The one retry policy of get_json: a broken body is retried once, not max_attempts.
        assert c.requests_made == c.retry.transport_attempts == 2


@pytest.mark.parametrize("announce", [True, False])
async def test_a_body_over_the_cap_is_refused_and_not_retried(announce: bool) -> None:
    calls = 0

    def handler(_request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        headers = {"Content-Length": str(len(PDF))} if announce else {}
        return httpx.Response(200, headers=headers, stream=Chunks(PDF))

    sink = Sink()
    async with client(handler) as c:
        with pytest.raises(BodyTooLarge, match="larger than 4 KB"):
            await c.download_document(INVOICE, "invoice", sink, max_bytes=4096)
    assert calls == 1
    assert len(sink.data) <= 4096


async def test_401_maps_to_the_palette_message_and_is_not_retried() -> None:
    body = {"code": "Unauthorized", "message": "Invalid API key"}
    sink = Sink()
    async with client(lambda _r: httpx.Response(401, json=body)) as c:
        with pytest.raises(AuthError, match=r"Invalid API key \(Unauthorized\)"):
            await c.download_document(INVOICE, "report", sink, max_bytes=1 << 20)
        assert c.requests_made == 1
    assert not sink.data


async def test_a_redirect_is_not_followed() -> None:
    answer = httpx.Response(302, headers={"Location": "https://sso.example/login"})
    async with client(lambda _r: answer) as c:
        with pytest.raises(BadRequest, match=r"redirect to https://sso\.example/login"):
            await c.download_document(INVOICE, "report", Sink(), max_bytes=1 << 20)


async def test_other_providers_serve_no_documents() -> None:
    from invoicetui.providers import client_class

    for provider in ("waldur", "doit", "zilliz"):
        assert client_class(provider).document_kinds == ()

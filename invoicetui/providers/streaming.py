"""Streaming a large binary answer (a PDF) through the shared HTTP core, with a size cap.

The body goes chunk by chunk to a sink (a temp file), never whole into memory; the same
pacing, auth, error mapping and retries as ProviderClient.get_json apply, and a retry after
a body broke off mid-way restarts the sink, so a half body is never kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import httpx

from invoicetui.core.errors import BodyTooLarge, NetworkError, ProviderError

if TYPE_CHECKING:
    from invoicetui.providers.base import ProviderClient, QueryParams

ERROR_BODY_LIMIT = 64 * 1024  # enough of an error body to read its message

__all__ = ["BodyTooLarge", "ByteSink", "StreamedResponse", "get_stream"]


class ByteSink(Protocol):
    """Where a streamed body goes."""

    def restart(self) -> None:
        """Forget everything written so far (a retry sends the body again from its start)."""

    def write(self, chunk: bytes) -> None: ...


@dataclass(frozen=True)
class StreamedResponse:
    """What arrived, besides the body written to the sink."""

    headers: httpx.Headers
    status_code: int
    url: str
    size: int


async def get_stream(
    client: ProviderClient,
    path: str,
    sink: ByteSink,
    *,
    max_bytes: int,
    params: QueryParams = None,
    headers: dict[str, str] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> StreamedResponse:
    """GET `path` into `sink` (at most max_bytes), retrying as get_json does."""
    url = client.url(path)
    started = client.clock.now()
    attempt = 0
    while True:
        attempt += 1
        await client.limiter.acquire()
        sink.restart()
        delay: float | None
        try:
            client.requests_made += 1
            request_headers = {**client.auth_headers(), **(headers or {})}
            async with client.http.stream(
                "GET", url, params=params, headers=request_headers
            ) as response:
                if 300 <= response.status_code < 400:
                    raise client._redirected(response)
                if response.status_code < 400:
                    size = await _receive(client, response, sink, max_bytes, on_bytes)
                    client.limiter.recovered()
                    return StreamedResponse(
                        response.headers, response.status_code, str(response.url), size
                    )
                error = client.map_error(await _error_response(response))
        except (httpx.NetworkError, httpx.TimeoutException, httpx.RemoteProtocolError) as exc:
            # Also a body cut off mid-way (the server closed early, or stalled past timeout).
            error = _network_error(client, exc)
            delay = client.retry.backoff(attempt, client.rng)
        except httpx.HTTPError as exc:
            raise _network_error(client, exc) from exc
        else:
            if response.status_code not in client.retry.retry_statuses:
                raise error
            if response.status_code == 429:
                client.limiter.slow_down()
            from invoicetui.providers.limits import parse_retry_after

            delay = parse_retry_after(response.headers.get("Retry-After"))
            if delay is None:
                delay = client.retry.backoff(attempt, client.rng)
            delay = min(delay, client.retry.max_delay)
        elapsed = client.clock.now() - started
        if attempt >= client.retry.max_attempts or elapsed + delay > client.retry.max_total:
            raise error
        await client.clock.sleep(delay)


async def _receive(
    client: ProviderClient,
    response: httpx.Response,
    sink: ByteSink,
    max_bytes: int,
    on_bytes: Callable[[int], None] | None,
) -> int:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(client, response, max_bytes)
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(client, response, max_bytes)
        sink.write(chunk)
        if on_bytes is not None:
            on_bytes(len(chunk))
    return size


async def _error_response(response: httpx.Response) -> httpx.Response:
    """The error's first bytes as a complete response, for the client's error mapping."""
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) >= ERROR_BODY_LIMIT:
            break
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        content=bytes(body[:ERROR_BODY_LIMIT]),
        request=response.request,
    )


def _too_large(client: ProviderClient, response: httpx.Response, max_bytes: int) -> ProviderError:
    return BodyTooLarge(
        f"the answer from {response.request.url.path} is larger than {_size(max_bytes)}",
        provider=client.provider,
        account=client.account.name,
        status_code=response.status_code,
        request_id=client.request_id(response.headers),
    )


def _network_error(client: ProviderClient, exc: httpx.HTTPError) -> ProviderError:
    from invoicetui.providers.base import _network_message

    if isinstance(exc, httpx.RemoteProtocolError):
        message = "the connection closed before the whole document arrived"
    else:
        message = _network_message(exc)
    return NetworkError(message, provider=client.provider, account=client.account.name)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.0f} MB"
    return f"{count // 1024} KB" if count >= 1024 else f"{count} bytes"

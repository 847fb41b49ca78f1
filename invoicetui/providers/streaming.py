"""Streaming a large binary answer (a PDF) through the shared HTTP core, with a size cap.

The body goes piece by piece to a sink (a temp file), never whole into memory. It takes
the one retry loop of get_json (retrying.py), so a PDF gets the same pacing, auth, error
mapping and bounds: each attempt within the account's timeout, the cap counted while the
body streams (decompressed by us), no retry after a TLS error, a Retry-After over 60 s
failing at once, the account's retry budget. A retry restarts the sink, so a half body
is never kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import httpx

from invoicetui.core.errors import BodyTooLarge, ProviderError
from invoicetui.providers.retrying import get_with_retries

if TYPE_CHECKING:
    from invoicetui.providers.base import ProviderClient, QueryParams

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
    """GET `path` into `sink` (at most max_bytes, decoded), retried as get_json is."""
    size = 0

    def restart() -> None:
        nonlocal size
        size = 0
        sink.restart()

    def write(piece: bytes) -> None:
        nonlocal size
        size += len(piece)
        sink.write(piece)
        if on_bytes is not None:
            on_bytes(len(piece))

    try:
        response = await get_with_retries(
            client,
            client.url(path),
            params,
            headers,
            max_bytes=max_bytes,
            write=write,
            restart=restart,
        )
    except ProviderError as exc:
        raise client.scrub(exc.with_account(client.provider, client.account.name)) from None
    return StreamedResponse(response.headers, response.status_code, str(response.url), size)

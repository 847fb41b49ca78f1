"""One GET with hard bounds: a deadline over the whole exchange, a size cap on the decoded body.

httpx's read timeout is per chunk, so a server that trickles a byte a second never trips it;
here one deadline covers connect, headers and the whole body. The body is decompressed by
us, a MiB at a time, and counted as it streams: a gzip bomb stops at the cap, before it can
fill memory. Failures are sorted into what a user can act on (refused, DNS, timeout, TLS).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from invoicetui.core.errors import BodyTooLarge, ResponseFormatError

MAX_BODY = 64 * 1024 * 1024  # CONTRACT: a body larger than 64 MiB after decompression fails
ERROR_BODY = 64 * 1024  # of an error answer, enough to read its message
PIECE = 1024 * 1024  # decompressed output is produced at most this much at a time
ACCEPT_ENCODING = "gzip, deflate"  # only what we decode ourselves, with a bound


class DeadlineExceeded(Exception):
    """The attempt did not complete (headers and whole body) within its deadline."""


@dataclass(frozen=True)
class Failure:
    """A transport failure, sorted: connect, dns, tls, timeout, broken, or request (ours)."""

    kind: str
    message: str

    @property
    def retryable(self) -> bool:
        return self.kind not in ("tls", "request")


async def read_limited_get(
    http: httpx.AsyncClient,
    url: str,
    *,
    deadline: float,
    params: Any = None,
    headers: dict[str, str] | None = None,
    max_bytes: int = MAX_BODY,
    write: Callable[[bytes], None] | None = None,
) -> httpx.Response:
    """GET url within `deadline` seconds; a 2xx body over max_bytes raises BodyTooLarge.

    An error answer (3xx-5xx) keeps only its first ERROR_BODY bytes. The returned
    response holds the decoded body, with Content-Encoding removed; with `write`, a 2xx
    body goes to it piece by piece instead (a PDF into its temp file) and none is kept.
    """
    sent = {"Accept-Encoding": ACCEPT_ENCODING, **(headers or {})}
    try:
        async with asyncio.timeout(deadline):
            async with http.stream("GET", url, params=params, headers=sent) as response:
                ok = response.status_code < 300
                limit = max_bytes if ok else ERROR_BODY
                body = await _read(response, limit, truncate=not ok, write=write if ok else None)
    except TimeoutError as exc:
        raise DeadlineExceeded(f"no complete answer within {deadline:g} s") from exc
    kept = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _DROPPED]
    return httpx.Response(
        response.status_code, headers=kept, content=body, request=response.request
    )


_DROPPED = frozenset({"content-encoding", "content-length", "transfer-encoding"})


async def _read(
    response: httpx.Response,
    limit: int,
    *,
    truncate: bool,
    write: Callable[[bytes], None] | None = None,
) -> bytes:
    """The decoded body (at most limit bytes), or b"" once all of it went to `write`."""
    if response.is_stream_consumed:  # a response event hook read it (tests tap the wire)
        if len(response.content) > limit and not truncate:
            raise _too_large(response, limit)
        if write is not None:
            write(response.content)
            return b""
        return response.content[:limit]
    declared = response.headers.get("Content-Length", "").strip()
    if not truncate and declared.isdigit() and int(declared) > limit:
        raise _too_large(response, limit)  # refused from the header alone, nothing read
    decoder = _decoder(response)
    body = bytearray()
    kept = 0  # decoded bytes so far, kept in body or handed to write
    received = 0
    async for raw in response.aiter_raw():
        received += len(raw)
        if received > limit and not truncate:
            raise _too_large(response, limit)
        for piece in decoder(raw):
            if kept + len(piece) > limit:
                if truncate:
                    return bytes(body + piece[: limit - kept])
                raise _too_large(response, limit)
            kept += len(piece)
            if write is not None:
                write(piece)
            else:
                body += piece
        if truncate and kept >= limit:
            break
    return bytes(body)


def _too_large(response: httpx.Response, limit: int) -> BodyTooLarge:
    return BodyTooLarge(
        f"the answer from {response.request.url.path} is larger than {size_text(limit)}"
        " (after decompression); not read further",
        status_code=response.status_code,
    )


def size_text(count: int) -> str:
    """67108864 -> '64 MiB', 4096 -> '4 KB': a cap as people say it."""
    mib = 1024 * 1024
    if count >= mib:
        return f"{count / mib:.3g} MiB"
    return f"{count // 1024} KB" if count >= 1024 else f"{count} bytes"


def _decoder(response: httpx.Response) -> Any:
    """A function raw bytes -> decoded pieces, for the Content-Encoding chain (outermost last)."""
    names = [
        n.strip().lower()
        for n in response.headers.get("Content-Encoding", "").split(",")
        if n.strip() and n.strip().lower() != "identity"
    ]
    stages = []
    for name in reversed(names):  # the last encoding applied is undone first
        if name in ("gzip", "x-gzip"):
            stages.append(_Inflate(16 + zlib.MAX_WBITS))
        elif name == "deflate":
            stages.append(_Inflate(zlib.MAX_WBITS, raw_fallback=True))
        else:
            raise ResponseFormatError(
                f"the answer is encoded as {name!r}, which was not asked for",
                status_code=response.status_code,
            )

    def decode(data: bytes) -> Iterator[bytes]:
        pieces: Iterator[bytes] = iter([data])
        for stage in stages:
            pieces = _through(stage, pieces)
        yield from pieces

    return decode


def _through(stage: _Inflate, pieces: Iterator[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from stage.feed(piece)


class _Inflate:
    """zlib with bounded output: never more than PIECE bytes from one call."""

    def __init__(self, wbits: int, *, raw_fallback: bool = False) -> None:
        self.wbits = wbits
        self.raw_fallback = raw_fallback  # "deflate" sent as a raw stream, as some servers do
        self.inflater = zlib.decompressobj(wbits)
        self.started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data and not self.inflater.eof:
            try:
                out = self.inflater.decompress(data, PIECE)
            except zlib.error as exc:
                if self.raw_fallback and not self.started:
                    self.raw_fallback = False
                    self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise ResponseFormatError(f"the compressed answer is corrupt ({exc})") from exc
            self.started = True
            data = self.inflater.unconsumed_tail
            if out:
                yield out


# ---------------------------------------------------------------------- failures


def describe(exc: BaseException, url: httpx.URL) -> Failure:
    """What went wrong, naming the host and the cause: refused, DNS, timeout or TLS."""
    host = url.host
    where = f"{host}:{url.port}" if url.port else host
    if isinstance(exc, DeadlineExceeded):
        return Failure("timeout", f"{exc} from {host} (timeout)")
    chain = list(_causes(exc))
    for cause in chain:
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = getattr(cause, "verify_message", None) or "not trusted"
            return Failure("tls", f"TLS: the certificate of {host} was not accepted ({reason})")
        if isinstance(cause, ssl.SSLError):
            reason = getattr(cause, "reason", None) or _first_line(cause)
            return Failure("tls", f"TLS: the handshake with {host} failed ({reason})")
        if isinstance(cause, socket.gaierror):
            return Failure("dns", f"DNS: cannot resolve {host} ({cause.strerror})")
        if isinstance(cause, ConnectionRefusedError):
            return Failure("connect", f"{where} refused the connection")
    text = " ".join(str(c) for c in chain).lower()
    if "certificate" in text or "ssl" in text:
        return Failure("tls", f"TLS: the connection to {host} failed ({_first_line(exc)})")
    if isinstance(exc, httpx.ConnectTimeout):
        return Failure("connect", f"connecting to {where} timed out (timeout)")
    if isinstance(exc, httpx.TimeoutException):
        return Failure("timeout", f"{host} stopped answering (timeout)")
    if isinstance(exc, httpx.ConnectError):
        return Failure("connect", f"cannot connect to {where} ({_first_line(exc)})")
    if isinstance(exc, httpx.LocalProtocolError | httpx.UnsupportedProtocol):
        return Failure("request", f"the request to {host} could not be sent ({_first_line(exc)})")
    if isinstance(exc, httpx.RemoteProtocolError):
        return Failure("broken", f"{host} closed the connection before the answer was complete")
    return Failure("broken", f"network error talking to {host} ({type(exc).__name__})")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else type(exc).__name__

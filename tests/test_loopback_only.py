"""The guard of tests/conftest.py: a test that reaches beyond 127.0.0.1 fails, loudly."""

from __future__ import annotations

import re
import socket

import httpx
import pytest

GUARD = "tests hit only 127.0.0.1"  # the guard's words (NotLoopback in tests/conftest.py)


def test_a_connection_beyond_loopback_is_refused() -> None:
    with socket.socket() as sock, pytest.raises(OSError, match=re.escape(GUARD)):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: never routed anyway


async def test_an_http_client_cannot_reach_beyond_loopback() -> None:
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError) as info:
            await client.get("http://192.0.2.1:9/")
    causes: list[BaseException] = []
    current: BaseException | None = info.value
    while current is not None and len(causes) < 20:
        causes.append(current)
        if isinstance(current, BaseExceptionGroup):
            causes.extend(current.exceptions)
        current = current.__cause__ or current.__context__
    assert any(isinstance(c, OSError) and GUARD in str(c) for c in causes), causes


def test_loopback_is_allowed() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    with server, socket.create_connection(server.getsockname()) as sock:
        assert sock.getpeername()[0] == "127.0.0.1"

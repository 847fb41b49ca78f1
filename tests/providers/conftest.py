"""Fixtures for the provider tests: the misbehaving server (tests/hostile_server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_server import HostileServer, self_signed_context

from invoicetui.providers.limits import RealClock


@pytest.fixture(scope="module")
def _hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


@pytest.fixture
def hostile(_hostile: HostileServer) -> HostileServer:
    """One misbehaving server per module; its hit counts start from zero in each test."""
    _hostile.hits.clear()
    return _hostile


@pytest.fixture(scope="module")
def hostile_tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileServer]:
    """The same server behind a self-signed certificate no client trusts."""
    context = self_signed_context(Path(tmp_path_factory.mktemp("tls")))
    if context is None:
        pytest.skip("openssl is not installed: no self-signed certificate to present")
    with HostileServer(tls=context) as server:
        yield server


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The retry waits of clients on the real clock (the CLI's), recorded and not slept.

    Waits of a few milliseconds are max_rps pacing (tests use max_rps = 1000), not kept.
    """
    asked: list[float] = []

    async def sleep(_self: RealClock, seconds: float) -> None:
        if seconds > 0.01:
            asked.append(seconds)

    monkeypatch.setattr(RealClock, "sleep", sleep)
    return asked

"""Shared fixtures: a loopback demo server, an isolated cache and config, a clean env."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from invoicetui.demo.server import DemoServer, ProviderDemo, build_providers


@cache
def _providers() -> dict[str, ProviderDemo]:
    # Demo data is deterministic and the fakes keep no per-request state: build once.
    return build_providers()


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own cache and config dir, and no colour/theme overrides."""
    for name in ("NO_COLOR", "TEXTUAL_THEME", "INVOICETUI_CONFIG", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INVOICETUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


class NotLoopback(OSError):
    """A test tried to reach an address that is not on this machine."""


def _loopback(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths (and abstract names) stay local
        return True
    host = str(address[0]).split("%", 1)[0]
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _loopback(address):
        raise NotLoopback(f"tests hit only 127.0.0.1: a connection to {address!r} was refused")
    _connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if not _loopback(address):
        raise NotLoopback(f"tests hit only 127.0.0.1: a connection to {address!r} was refused")
    return _connect_ex(self, address)


@pytest.fixture(autouse=True)
def _only_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 8: everything hits only 127.0.0.1. A connect elsewhere fails the test loudly
    (subprocesses are not covered: the e2e tests start only loopback servers)."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)


@pytest.fixture
def demo_server() -> Iterator[DemoServer]:
    """The four fake APIs on 127.0.0.1, a fresh fault list per test."""
    server = DemoServer(providers=_providers())
    with server:
        yield server

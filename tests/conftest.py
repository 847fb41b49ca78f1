"""Shared fixtures: a loopback demo server, an isolated cache and config, a clean env."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

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


@pytest.fixture
def demo_server() -> Iterator[DemoServer]:
    """The four fake APIs on 127.0.0.1, a fresh fault list per test."""
    server = DemoServer(providers=_providers())
    with server:
        yield server

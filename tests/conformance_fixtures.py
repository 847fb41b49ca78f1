"""Fixtures of the conformance tests: the scripted API, `export` runs and a fixed clock.

Test modules import them as `from conformance_fixtures import ...  # noqa: F401`; the
functions carry other names than the fixtures so that test parameters do not shadow them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conformance_helpers import Result, run_export
from conformance_server import ScriptedAPI, scripted_api

import invoicetui.service.loading

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
# The `export` fixture: run `invoicetui export --refresh` with these accounts and arguments.
Run = Callable[..., Result]


@pytest.fixture(name="api")
def api_fixture() -> Iterator[ScriptedAPI]:
    with scripted_api() as server:
        yield server


@pytest.fixture(name="fixed_now", autouse=True)
def fixed_now_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    """Waldur's provider role depends on the current month: fix it."""
    monkeypatch.setattr(invoicetui.service.loading, "utcnow", lambda: NOW)


@pytest.fixture(name="export")
def export_fixture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    def run(accounts: list[dict[str, Any]], *args: str) -> Result:
        return run_export(tmp_path, capsys, accounts, *args)

    return run

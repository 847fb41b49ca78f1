"""The TUI against a Palette that trickles (tests/hostile_server.py): the cursor's detail fetch
and `d`'s PDF downloads end at the account's deadline, and the failure is said where it
happened. Each byte comes in time for the attempt's 30 s timeout; only the deadline (made
half a second here) ends them, so nothing waits long and nothing sleeps to wait.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from hostile_server import HostileServer
from tui_fakes import NOW, main_screen, settle

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import AppSetup
from invoicetui.service import bounds
from invoicetui.tui.app import InvoiceApp

SIZE = (120, 36)
DEADLINE = "did not finish within 0.5 s (the account's deadline)"


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _short_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "deadline_seconds", lambda _account: 0.5)


def make_app(tmp_path: Path, url: str) -> InvoiceApp:
    account = AccountConfig(
        name="pal", provider="palette", base_url=url, token="k", tenant_uid="t1",
        timeout=30, max_rps=1000,
    )  # fmt: skip
    (tmp_path / "dl").mkdir()
    setup = AppSetup(accounts=[account], cache_dir=tmp_path / "cache", downloads=tmp_path / "dl")
    return InvoiceApp(setup, now=lambda: NOW, tz=UTC, export_dir=tmp_path / "exports")


async def status_starting(pilot: Any, prefix: str) -> str:
    """The status line once it starts with prefix (a worker posts it; bounded polling)."""
    main = main_screen(pilot.app)
    for _ in range(500):
        message: str = main.status.message
        if message.startswith(prefix):
            return message
        await pilot.pause(0.02)
    raise AssertionError(f"status is {main.status.message!r}, not {prefix!r}…")


async def test_the_cursors_detail_fetch_ends_at_the_account_deadline(
    tmp_path: Path, hostile: HostileServer
) -> None:
    app = make_app(tmp_path, hostile.url("palette-details~trickle:0.05"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        message = await status_starting(pilot, "details not loaded:")
        assert f"Palette account 'pal': {DEADLINE}" in message
        assert hostile.hits["palette-details:trickle"] >= 1


async def test_d_ends_at_the_account_deadline_and_says_so(
    tmp_path: Path, hostile: HostileServer
) -> None:
    app = make_app(tmp_path, hostile.url("palette-docs~trickle:0.05"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert main_screen(app).shown_invoice() is not None
        await pilot.press("d")
        message = await status_starting(pilot, "Documents not saved:")
        assert f"Palette account 'pal': {DEADLINE}" in message
    assert not list((tmp_path / "dl").rglob("*.pdf"))  # no half PDF kept

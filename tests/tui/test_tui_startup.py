"""What the TUI says while the first load runs, and where open-URL only showed the URL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tui_fakes import (
    ACME,
    HPC,
    SIZE,
    FakeService,
    invoice,
    main_screen,
    make_app,
    settle,
    snapshot,
)

from invoicetui.tui.widgets.summary import SummaryStrip


async def test_loading_is_said_until_the_first_account_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeService().install(monkeypatch)
    gates = {ACME.name: asyncio.Event(), HPC.name: asyncio.Event()}
    fake.gates.update(gates)
    fake.results[ACME.name] = snapshot(ACME, [])
    fake.results[HPC.name] = snapshot(HPC, [])
    app = make_app(tmp_path, accounts=[ACME, HPC])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = main_screen(app)
        strip = main.query_one(SummaryStrip)
        assert [line.plain for line in strip.lines(78)] == ["Loading…"]
        assert main.table.empty_text == "Loading…"
        gates[ACME.name].set()
        gates[HPC.name].set()
        await settle(pilot)
        assert [line.plain for line in strip.lines(78)] == ["Nothing owed."]
        assert main.table.empty_text == "No invoices"


async def test_o_over_ssh_does_not_say_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_CLIENT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSH_TTY", "/dev/pts/9")
    fake = FakeService().install(monkeypatch)
    fake.results[ACME.name] = snapshot(ACME, [invoice(ACME.name, "palette", 1)])
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        await pilot.press("o")
        await pilot.pause()
        assert app.url_shown_instead
        assert not main.status.message.startswith("Opened")

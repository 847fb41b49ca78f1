"""Start-up: cached rows are in the first frame, and nothing else runs before it."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static
from tui_fakes import (
    ACME,
    HPC,
    NARROW,
    SIZE,
    FakeService,
    invoice,
    main_screen,
    make_app,
    settle,
    snapshot,
)  # fmt: skip

from invoicetui.service import loading as service
from invoicetui.tui import runtime, session
from invoicetui.tui.screens.main import MainScreen


def record_first_frame(monkeypatch: pytest.MonkeyPatch, fake: FakeService) -> dict[str, Any]:
    """What the main screen shows, and what has started, when its first frame is on screen."""
    seen: dict[str, Any] = {}
    original = MainScreen._after_first_frame

    def after_first_frame(self: MainScreen) -> None:
        seen["rows"] = [row.id for row in self.table.rows_visible]
        seen["loads"] = list(fake.calls)
        seen["workers"] = [w.name for w in self.app.workers]
        original(self)

    monkeypatch.setattr(MainScreen, "_after_first_frame", after_first_frame)
    return seen


async def test_cached_rows_are_in_the_first_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeService().install(monkeypatch)
    fake.cached[ACME.name] = snapshot(ACME, [invoice(ACME.name, "palette", n) for n in (1, 2)])
    fake.cached[HPC.name] = snapshot(HPC, [invoice(HPC.name, "waldur", 3)])
    fake.results.update(fake.cached)  # the fetch finds the same invoices
    seen = record_first_frame(monkeypatch, fake)
    app = make_app(tmp_path, accounts=[ACME, HPC])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert sorted(seen["rows"]) == [
            "acme-palette-inv-001", "acme-palette-inv-002", "hpc-centre-inv-003",
        ]  # fmt: skip
        # The loads (threads, the network) and the marks' thread wait for the first frame.
        assert seen["loads"] == [] and seen["workers"] == []
        assert sorted(name for name, _ in fake.calls) == [ACME.name, HPC.name]
        assert len(main_screen(app).table.rows_visible) == 3


async def test_a_large_cache_is_read_in_a_thread_after_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past FIRST_FRAME_BYTES nothing is read on the UI thread: the rows come a moment later."""
    monkeypatch.setattr(session, "FIRST_FRAME_BYTES", -1)
    fake = FakeService().install(monkeypatch)
    fake.cached[ACME.name] = snapshot(ACME, [invoice(ACME.name, "palette", n) for n in (1, 2)])
    fake.results.update(fake.cached)
    seen = record_first_frame(monkeypatch, fake)
    shown = threading.Event()
    readers: list[str] = []
    read_cached = fake.read_cached

    def slow_read(account: Any, cache: object, **kw: Any) -> Any:
        readers.append(threading.current_thread().name)
        shown.wait(10)  # the first frame does not wait for this read
        return read_cached(account, cache, **kw)

    monkeypatch.setattr(service, "read_cached", slow_read)
    original = MainScreen._after_first_frame

    def after_first_frame(self: MainScreen) -> None:
        original(self)
        shown.set()

    monkeypatch.setattr(MainScreen, "_after_first_frame", after_first_frame)
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert shown.is_set() and seen["rows"] == []
        assert readers and threading.main_thread().name not in readers
        assert len(main_screen(app).table.rows_visible) == 2


def test_the_gc_waits_for_the_first_frame_only_when_paused() -> None:
    assert gc.isenabled()
    runtime.first_frame_shown()  # never paused (as in tests): nothing frozen, GC untouched
    assert gc.isenabled() and gc.get_freeze_count() == 0
    runtime.pause_gc()
    try:
        assert not gc.isenabled()
    finally:
        runtime.resume_gc()  # what cmd_tui does when no frame ever came
    assert gc.isenabled() and gc.get_freeze_count() == 0


async def test_a_hidden_detail_pane_builds_its_header_on_first_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeService().install(monkeypatch)
    fake.results[ACME.name] = snapshot(ACME, [invoice(ACME.name, "palette", 1)])
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=NARROW) as pilot:  # below 140 columns the pane starts hidden
        await settle(pilot)
        main = main_screen(app)
        assert not main.detail.display and not main.detail.query("#detail-title")
        await pilot.press("p")
        await settle(pilot)
        assert main.detail.display
        title = main.detail.query_one("#detail-title", Static)
        assert "N001" in str(title.render())

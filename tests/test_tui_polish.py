"""The TUI at fixed sizes: every column fits at 120x36, the key ones at 80x24; missing values
show a dash; the detail's "(i of n)" follows the table; streamed pages land in place."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tui_fakes import (
    ACME,
    HPC,
    NARROW,
    SIZE,
    FakeService,
    invoice,
    main_screen,
    make_app,
    screen_text,
    settle,
    snapshot,
)


def realistic() -> FakeService:
    """Long numbers and large amounts, as the demo providers have them."""
    fake = FakeService()
    fake.results[ACME.name] = snapshot(
        ACME,
        [
            replace(
                invoice(ACME.name, "palette", n, total="2781.12"), number=f"invoice-2026-{n:02d}"
            )
            for n in range(1, 6)
        ],
    )
    fake.results[HPC.name] = snapshot(
        HPC,
        [
            replace(
                invoice(HPC.name, "waldur", n, currency="EUR", total="113051.93"),
                amount_due=None if n == 1 else Decimal("113051.93"),
            )
            for n in range(1, 4)
        ],
    )
    return fake


def header_line(app: Any) -> str:
    return str(main_screen(app).table.render_line(0).text)


async def test_all_nine_columns_fit_at_120x36(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    realistic().install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME, HPC])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert len(main.table.shown_columns) == 9
        header = header_line(app)
        labels = [c.label for c in main.table.columns if c.key != "provider"]
        for label in [*labels, "Prov"]:
            assert label in header
        text = screen_text(app)
        # Neither the account nor the number is cut, and the money is whole.
        for cell in ("acme-palette", "invoice-2026-01", "hpc-centre", "113,051.93 EUR"):
            assert cell in text


async def test_key_columns_stay_at_80x24(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    realistic().install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME, HPC])
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        main = main_screen(app)
        shown = main.table.shown_columns
        assert {"account", "number", "status", "total", "amount_due"} <= set(shown)
        header = header_line(app)
        for label in ("Account", "Number", "Status", "Total", "Amount due"):
            assert label in header
        assert "113,051.93 EUR" in screen_text(app)


async def test_missing_amount_due_shows_a_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    realistic().install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME, HPC])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert main.table.select_row(lambda r: r.amount_due is None)
        line = main.table.render_line(main.table.cursor_index + 1).text
        assert line.rstrip().endswith("—")


def detail_position(app: Any) -> tuple[int, int] | None:
    position: tuple[int, int] | None = main_screen(app).detail.position
    return position


async def test_detail_position_follows_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = realistic().install(monkeypatch)
    gate = asyncio.Event()
    fake.gates[HPC.name] = gate
    app = make_app(tmp_path, accounts=[ACME, HPC])
    async with app.run_test(size=(160, 40)) as pilot:  # the detail pane beside the table
        await pilot.pause()
        main = main_screen(app)
        for _ in range(100):
            await pilot.pause()
            if main.states[ACME.name].phase == "ok" and not main.rows_pending:
                break
        assert main.table.cursor_index == 0
        assert detail_position(app) == (1, 5)
        gate.set()  # more rows arrive below the cursor: the count moves, the row does not
        await settle(pilot)
        assert main.table.visible_count == 8
        assert detail_position(app) == (1, 8)
        assert "(1 of 8)" in screen_text(app)
        main.table.move_cursor(2)
        await pilot.press("slash", "h", "p", "c", "enter")  # filter: hpc-centre's three rows
        await settle(pilot)
        assert main.table.visible_count == 3
        assert detail_position(app) == (main.table.cursor_index + 1, 3)
        await pilot.press("s")  # sorting moves the cursor to the top
        await settle(pilot)
        assert detail_position(app) == (main.table.cursor_index + 1, 3)
        await pilot.press("escape")  # clearing the filter: the row stays, its position moves
        await settle(pilot)
        assert detail_position(app) == (main.table.cursor_index + 1, 8)
        main.sidebar.select_scope("account:hpc-centre")
        await settle(pilot)
        assert main.table.visible_count == 3
        assert detail_position(app) == (main.table.cursor_index + 1, 3)

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

from invoicetui.core.model import Invoice
from invoicetui.service import loading as service


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


async def test_all_but_issued_and_due_fit_at_120x36(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issued, then Due give way first (Due in / Late carries the due date)."""
    realistic().install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME, HPC])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        shown = main.table.shown_columns
        assert set(shown) == {c.key for c in main.table.columns} - {"issued", "due"}
        header = header_line(app)
        for label in ("Account", "Number", "Period", "Due/Late", "Status", "Total", "Amount due"):
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
        assert {"account", "number", "late", "status", "amount_due"} <= set(shown)
        header = header_line(app)
        for label in ("Account", "Number", "Due/Late", "Status", "Amount due"):
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


class Calls:
    """Counts the invoice table's set_rows and append_rows calls (the rows still go through)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from invoicetui.tui.screens.main import InvoiceTable
        from invoicetui.tui.widgets.table import VirtualTable

        self.set_rows = 0
        self.appended: list[int] = []

        def counted_set(table: Any, rows: Any, **kw: Any) -> None:
            self.set_rows += 1
            VirtualTable.set_rows(table, rows, **kw)

        def counted_append(table: Any, rows: Any) -> None:
            self.appended.append(len(rows))
            VirtualTable.append_rows(table, rows)

        monkeypatch.setattr(InvoiceTable, "set_rows", counted_set)
        monkeypatch.setattr(InvoiceTable, "append_rows", counted_append)


class Stream:
    """A service whose pages arrive one at a time, when the test says so."""

    def __init__(self, pages: list[list[Invoice]], monkeypatch: pytest.MonkeyPatch) -> None:
        self.pages = pages
        self.step = asyncio.Event()
        self.sent = 0
        monkeypatch.setattr(service, "read_cached", lambda *a, **k: None)
        monkeypatch.setattr(service, "load_account", self.load_account)

    async def load_account(self, account: Any, cache: object, *a: Any, **kw: Any) -> Any:
        for page in self.pages:
            await self.step.wait()
            self.step.clear()
            kw["on_page"](page)
            self.sent += 1
        await self.step.wait()
        return snapshot(account, [inv for page in self.pages for inv in page])


def ids(rows: Any) -> list[str]:
    return [inv.id for inv in rows]


async def test_pages_are_appended_in_sort_order_then_replaced_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [invoice(ACME.name, "palette", n, total=f"{(n * 37) % 100}.{n:02d}") for n in range(20)]
    stream = Stream([rows[n : n + 5] for n in range(0, 20, 5)], monkeypatch)
    calls = Calls(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=SIZE) as pilot:
        main = main_screen(app)
        table = main.table
        await pilot.pause()
        table.sort("total", reverse=True)
        before = calls.set_rows
        for page in range(1, 5):
            stream.step.set()
            for _ in range(200):
                await pilot.pause()
                if stream.sent == page and table.total_count == 5 * page and not main.rows_pending:
                    break
            expected = sorted(rows[: 5 * page], key=lambda r: r.total or 0, reverse=True)
            assert ids(table.rows_visible) == ids(expected)  # in the sort's order, once each
        assert main.states[ACME.name].phase == "loading"
        assert calls.set_rows == before and sum(calls.appended) == 20  # no rebuild per page
        stream.step.set()  # finished: the fresh snapshot replaces the streamed rows, once
        await settle(pilot)
        assert main.states[ACME.name].phase == "ok"
        assert calls.set_rows == before + 1
        assert ids(table.rows_visible) == ids(expected)


async def test_streamed_pages_do_not_duplicate_cached_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeService()
    cached = [invoice(ACME.name, "palette", n, total="1.00") for n in (1, 2, 3)]
    fake.cached[ACME.name] = snapshot(ACME, cached, from_cache=True)
    fresh = [invoice(ACME.name, "palette", n, total="2.00") for n in (2, 3, 4)]
    fake.pages[ACME.name] = [fresh[:1], fresh[1:]]
    fake.results[ACME.name] = snapshot(ACME, fresh)
    gate = asyncio.Event()
    fake.gates[ACME.name] = gate
    fake.install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=SIZE) as pilot:
        main = main_screen(app)
        for _ in range(200):
            await pilot.pause()
            if main.states[ACME.name].done == 2 and not main.rows_pending:
                break
        shown = ids(main.table.rows_visible)
        assert len(shown) == len(set(shown))  # cached rows are never shown twice
        gate.set()
        await settle(pilot)
        assert ids(main.table.rows_visible) == ids(fresh)
        assert {inv.total for inv in main.table.rows_visible} == {Decimal("2.00")}


async def test_a_reload_mid_stream_drops_the_streamed_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeService()
    rows = [invoice(ACME.name, "palette", n) for n in range(6)]
    fake.pages[ACME.name] = [rows[:3], rows[3:]]
    fake.results[ACME.name] = snapshot(ACME, rows)
    gate = asyncio.Event()
    fake.gates[ACME.name] = gate
    fake.install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=SIZE) as pilot:
        main = main_screen(app)
        for _ in range(200):
            await pilot.pause()
            if main.table.total_count == 6 and not main.rows_pending:
                break
        await pilot.press("r")  # a new load streams the same pages again
        for _ in range(200):
            await pilot.pause()
            if len(fake.calls) == 2 and main.table.total_count == 6 and not main.rows_pending:
                break
        assert sorted(ids(main.table.rows_visible)) == sorted(ids(rows))
        gate.set()
        await settle(pilot)
        assert sorted(ids(main.table.rows_visible)) == sorted(ids(rows))


async def test_summary_strip_stays_compact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from invoicetui.config.accounts import AccountConfig
    from invoicetui.tui.widgets.summary import SummaryStrip

    fake = FakeService()
    accounts = []
    for n, currency in enumerate(("EUR", "USD", "GBP", "NOK", "CHF", "SEK")):
        account = AccountConfig(name=f"acct-{currency.lower()}", provider="doit")
        accounts.append(account)
        fake.results[account.name] = snapshot(
            account,
            [
                invoice(account.name, "doit", k, currency=currency, total=f"{n + 1}000")
                for k in (1, 2)
            ],
        )
    fake.install(monkeypatch)
    for size, most in ((SIZE, 3), (NARROW, 2)):
        app = make_app(tmp_path, accounts=accounts)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            strip = main_screen(app).query_one(SummaryStrip)
            assert 1 < strip.region.height <= most
            text = screen_text(app)
            if size == SIZE:  # each currency with its own figure, none added to another
                for n, currency in enumerate(("EUR", "GBP", "NOK", "CHF")):
                    assert f"{currency} {2 * (n + 1) if n < 1 else 2 * (n + 2)},000.00 owed" in text
                assert "+2 more" in text  # at most 3 rows: the rest is counted, not cut
                assert {o.currency for o in strip.owed} >= {"EUR", "USD", "SEK"}
            else:
                assert "CHF 10,000.00 owed" in text and "more" in text, text


def test_every_missing_cell_is_a_dash() -> None:
    from invoicetui.core.model import LineItem
    from invoicetui.tui.rows import MISSING, invoice_columns, line_item_columns

    bare = Invoice(account="a", provider="waldur", id="x", currency="EUR")
    for column in invoice_columns():
        forms = [column, column.compact_form()]
        for form in forms:
            if column.key not in ("account", "provider", "number", "status", "late"):
                assert form.render(bare).plain == MISSING, column.key
    item = LineItem("only a description")
    for column in line_item_columns("EUR"):
        if column.key != "description":
            assert column.render(item).plain == MISSING, column.key

"""Key paths of the overview (issue 11) with Pilot, on small hand-built data: each figure opens
exactly the invoices behind it, Esc comes back; budgets and the ≈ total."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from insight_tui_data import ACCOUNTS, acme_invoices, install, inv
from tui_fakes import ACME, NARROW, SIZE, make_app, screen_text, settle

from invoicetui.core.model import Status
from invoicetui.tui.screens.detail import DetailScreen
from invoicetui.tui.screens.invoice_list import InvoiceListScreen
from invoicetui.tui.screens.main import MainScreen
from invoicetui.tui.screens.overview import FIGURES, OverviewScreen
from invoicetui.tui.screens.trends import TrendsScreen
from invoicetui.tui.widgets.figures import FigureGrid


async def open_view(pilot: Any, key: str) -> Any:
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    return pilot.app.screen


def row_of(attr: str) -> int:
    return next(i for i, (a, _, _) in enumerate(FIGURES) if a == attr)


@pytest.mark.parametrize("size", [SIZE, NARROW])
async def test_overdue_figure_opens_exactly_its_invoices_then_detail_and_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    install(monkeypatch)
    app = make_app(tmp_path, accounts=ACCOUNTS)
    async with app.run_test(size=size) as pilot:
        view = await open_view(pilot, "O")
        assert isinstance(view, OverviewScreen)
        grid = view.query_one("#owed", FigureGrid)
        assert app.focused is grid
        usd = [h.plain for h in grid.headers].index("USD")
        for _ in range(row_of("overdue_31_60")):
            await pilot.press("down")
        for _ in range(usd):
            await pilot.press("right")
        assert grid.cursor_cell is not None
        assert grid.cursor_cell.keys == {(ACME.name, "late-45")}
        await pilot.press("enter")
        await settle(pilot)
        listed = app.screen
        assert isinstance(listed, InvoiceListScreen)
        assert [i.id for i in listed.table.rows_visible] == ["late-45"]
        assert "USD · overdue 31–60 days · 1 invoice" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.invoice is not None and app.screen.invoice.id == "late-45"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is listed
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is view
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_each_figure_of_the_overview_carries_its_invoices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch)
    app = make_app(tmp_path, accounts=ACCOUNTS)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "O")
        grid = view.query_one("#owed", FigureGrid)
        usd = [h.plain for h in grid.headers].index("USD")
        shown = zip(FIGURES, grid.rows, strict=False)
        keys = {attr: row.cells[usd].keys for (attr, _, _), row in shown}
        assert len(grid.rows) == len(FIGURES) - 1  # no credit anywhere: no credit row
        assert keys["overdue_1_30"] == {(ACME.name, "late-10")}
        assert keys["overdue_31_60"] == {(ACME.name, "late-45")}
        assert keys["overdue_over_60"] == frozenset()
        assert keys["due_7"] == {(ACME.name, "soon-5")}
        assert {(ACME.name, "late-45"), (ACME.name, "late-10")} <= keys["outstanding"]
        # Enter on an empty figure says so and stays.
        grid.move_to(row_of("overdue_over_60"), usd)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is view
        # The accounts grid: Enter on the oldest overdue opens that one invoice.
        await pilot.press("tab")
        accounts = view.query_one("#accounts", FigureGrid)
        assert app.focused is accounts
        row = next(i for i, r in enumerate(accounts.rows) if r.label.plain.startswith(ACME.name))
        accounts.move_to(row, 1)
        assert "45d late" in accounts.rows[row].cells[1].text.plain
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceListScreen)
        assert [i.id for i in app.screen.table.rows_visible] == ["late-45"]


async def test_a_view_key_inside_a_view_switches_views_and_esc_goes_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch)
    app = make_app(tmp_path, accounts=ACCOUNTS)
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, "O")
        await pilot.press("enter")  # the invoices behind "outstanding"
        await settle(pilot)
        assert isinstance(app.screen, InvoiceListScreen)
        await pilot.press("T")
        await settle(pilot)
        assert isinstance(app.screen, TrendsScreen)
        assert len(app.screen_stack) == 2  # main, trends (one view at a time)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_budget_warning_and_approx_total(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invoicetui.service.insight.budgets import Rates

    install(monkeypatch)
    app = make_app(tmp_path, accounts=ACCOUNTS, budgets={ACME.name: Decimal(45)},
                   rates=Rates("EUR", {"USD": Decimal("0.9")}))  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "O")
        text = screen_text(app)
        assert "≈" in text and "EUR in total" in text
        budgets = view.query_one("#budgets", FigureGrid)
        row = budgets.rows[0]
        assert row.label.plain == ACME.name
        assert "WARN" in row.cells[3].text.plain  # 40 of 45: past 80 %


async def test_a_view_recomputes_when_the_data_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invoicetui.tui.screens import insight

    monkeypatch.setattr(insight, "RECOMPUTE_DELAY", 0)
    fake = install(monkeypatch)
    app = make_app(tmp_path, accounts=ACCOUNTS)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "O")
        paid = [i if i.id != "late-45" else inv(ACME.name, "palette", "late-45", (2026, 9),
                "300", status=Status.PAID) for i in acme_invoices()]  # fmt: skip
        from tui_fakes import snapshot

        fake.results[ACME.name] = snapshot(ACME, paid)
        await pilot.press("R")
        await settle(pilot)
        await pilot.pause()
        await settle(pilot)
        grid = view.query_one("#owed", FigureGrid)
        usd = [h.plain for h in grid.headers].index("USD")
        assert grid.rows[row_of("overdue_31_60")].cells[usd].keys == frozenset()


async def test_untrusted_account_names_show_literally_in_the_overview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from tui_fakes import FakeService, snapshot

    evil = replace(ACME, name="[bold red]x[/]")
    fake = FakeService()
    fake.results[evil.name] = snapshot(evil, [replace(i, account=evil.name)
                                              for i in acme_invoices()])  # fmt: skip
    fake.install(monkeypatch)
    app = make_app(tmp_path, accounts=[evil])
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, "O")
        assert "[bold red]x[/]" in screen_text(app)

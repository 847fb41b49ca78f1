"""Key paths of the insight views (overview, trends, breakdown, changes) with Pilot, on small
hand-built data: every figure opens exactly the invoices behind it, and Esc comes back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from insight_tui_data import ACCOUNTS, acme_invoices, install, inv
from tui_fakes import ACME, NARROW, NOW, SIZE, main_screen, make_app, screen_text, settle

from invoicetui.core.model import Status
from invoicetui.tui.commands import command
from invoicetui.tui.palette import InvoiceCommands
from invoicetui.tui.screens.breakdown import BreakdownScreen
from invoicetui.tui.screens.changes import ChangesScreen
from invoicetui.tui.screens.detail import DetailScreen
from invoicetui.tui.screens.group_items import GroupItemsScreen
from invoicetui.tui.screens.help import HelpScreen
from invoicetui.tui.screens.invoice_list import InvoiceListScreen
from invoicetui.tui.screens.main import MainScreen
from invoicetui.tui.screens.overview import OverviewScreen
from invoicetui.tui.screens.trends import TrendsScreen
from invoicetui.tui.views import VIEWS

VIEW_SCREENS = {"overview": OverviewScreen, "trends": TrendsScreen,
                "breakdown": BreakdownScreen, "changes": ChangesScreen}  # fmt: skip
VIEW_KEYS = {"overview": "O", "trends": "T", "breakdown": "B", "changes": "C"}


async def open_view(pilot: Any, key: str) -> Any:
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    return pilot.app.screen


@pytest.mark.parametrize("name", [v.name for v in VIEWS])
async def test_every_view_opens_by_its_key_and_by_the_palette(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    install(monkeypatch)
    app = make_app(tmp_path, accounts=ACCOUNTS)
    async with app.run_test(size=NARROW) as pilot:
        view = await open_view(pilot, VIEW_KEYS[name])
        assert isinstance(view, VIEW_SCREENS[name])
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        provider = InvoiceCommands(app.screen)
        commands = {title: call for title, _, call in provider._commands()}
        spec = next(v for v in VIEWS if v.name == name)
        title = command(spec.binding_id).title
        assert title is not None
        await commands[title]()  # what the palette runs: the key's own action
        await settle(pilot)
        assert isinstance(app.screen, VIEW_SCREENS[name])


async def test_help_lists_the_view_keys_and_the_anomaly_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invoicetui.service.insight.trends import ANOMALY_RULE

    install(monkeypatch)
    app = make_app(tmp_path, accounts=ACCOUNTS)
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, "T")
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert any(ANOMALY_RULE in note for note in help_screen.notes)
        ids = {row.binding_id for s in help_screen.sections for row in s.rows}
        assert {"view-overview", "view-trends", "view-breakdown", "view-changes",
                "next-anomaly", "chart-mode"} <= ids  # fmt: skip


async def test_trends_mark_the_running_month_and_jump_to_the_anomaly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch)
    app = make_app(tmp_path, accounts=ACCOUNTS)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "T")
        assert isinstance(view, TrendsScreen)
        grid = view.grid
        assert grid.headers[11].plain == "Nov to date"
        # The cursor starts on the last full month, October.
        assert grid.column == 10

        def here() -> tuple[str, str, int]:
            row = view.series[grid.row]
            assert view.result is not None
            return row.account, row.currency, view.result.months[grid.column].first.month

        await pilot.press("a")  # after the cursor: the USD total's September
        await pilot.pause()
        assert here() == ("", "USD", 9)
        assert "Anomaly 2 of 2" in screen_text(app)
        await pilot.press("a")  # wraps around to acme's
        assert here() == (ACME.name, "USD", 9)
        await pilot.press("A")
        assert here() == ("", "USD", 9)
        await pilot.press("A")
        await pilot.pause()
        assert here() == (ACME.name, "USD", 9)
        assert grid.cursor_cell is not None and "!" in grid.cursor_cell.text.plain
        assert "Anomaly 1 of 2" in screen_text(app)
        await pilot.press("enter")  # September's invoices of acme
        await settle(pilot)
        listed = app.screen
        assert isinstance(listed, InvoiceListScreen)
        assert {i.id for i in listed.table.rows_visible} == {"late-45", "spike"}


async def test_trends_chart_follows_the_cursor_and_c_shows_the_whole_currency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invoicetui.tui.widgets.barchart import BarChart

    install(monkeypatch)
    app = make_app(tmp_path, accounts=ACCOUNTS)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "T")
        chart = view.query_one(BarChart)
        assert chart.data is not None and chart.data.title.startswith(ACME.name)
        assert chart.data.to_date == 11
        await pilot.press("c")
        assert chart.data.title == "All accounts in USD, by account"
        assert {s.label for s in chart.data.series} == {ACME.name, "vector-db"}
        await pilot.press("left")
        assert chart.data.highlight == 9


async def test_breakdown_groups_by_project_kind_and_drills_into_line_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch)
    app = make_app(tmp_path, accounts=ACCOUNTS)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "B")
        assert isinstance(view, BreakdownScreen)
        text = screen_text(app)
        assert "By project · Oct 2026" in text
        labels = [r.label.plain.strip() for r in view.grid.rows]
        assert "alpha" in labels and "beta" in labels
        assert "vector-db (no line items)" in labels
        assert "No line items for" in text and "vector-db" in text
        row = labels.index("alpha")
        view.grid.move_to(row, 0)
        assert "70.0 %" in view.grid.rows[row].cells[1].text.plain
        await pilot.press("enter")
        await settle(pilot)
        items = app.screen
        assert isinstance(items, GroupItemsScreen)
        assert [(i.id, item.description) for i, item in items.table.rows_visible] == [
            ("hpc-oct", "cpu")
        ]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert "By kind or service" in screen_text(app)
        assert "compute" in [r.label.plain.strip() for r in view.grid.rows]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "Sep 2026" in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert "Oct 2025 – Sep 2026" in screen_text(app)


async def test_breakdown_loads_missing_line_items_on_L(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from invoicetui.core.model import LineItem

    summaries = [
        inv(ACME.name, "palette", f"summary-{n}", (2026, 10), "90", detailed=False)
        for n in range(3)
    ]
    fake = install(monkeypatch, acme=summaries)
    for s in summaries:
        item = LineItem("fetched", project="gamma", amount=Decimal(90))
        fake.details[s.id] = replace(s, detailed=True, line_items=(item,))
    app = make_app(tmp_path, accounts=ACCOUNTS)
    async with app.run_test(size=NARROW) as pilot:
        view = await open_view(pilot, "B")
        note = view.query_one("#breakdown-note")
        assert ACME.name in note.render().plain  # type: ignore[attr-defined]
        await pilot.press("L")
        await settle(pilot)
        await settle(pilot)
        assert {s.id for s in summaries} <= set(fake.detail_calls)
        labels = [r.label.plain.strip() for r in view.grid.rows]
        assert "gamma" in labels
        assert ACME.name not in note.render().plain  # type: ignore[attr-defined]


async def test_flagged_invoice_has_a_mark_in_the_table_and_a_sentence_in_the_detail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invoicetui.core.model import LineItem

    wrong = inv(ACME.name, "palette", "wrong-sum", (2026, 10), "100",
                items=(LineItem("a", amount=Decimal(10)),))  # fmt: skip
    install(monkeypatch, acme=[wrong, *acme_invoices()])
    app = make_app(tmp_path, accounts=ACCOUNTS)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await settle(pilot)
        from invoicetui.service.insight.flags import flags

        main = main_screen(app)
        found = flags(wrong, [wrong], NOW.date())
        assert [f.code for f in found] == ["sum-mismatch"]
        mark = found[0].mark
        assert main.marks.gutter(wrong) == mark
        assert main.table.select_row(lambda r: r.id == "late-45")
        await settle(pilot)
        line = next(
            main.table.render_line(y).text for y in range(1, 30)
            if "WRONG-SUM" in main.table.render_line(y).text
        )  # fmt: skip
        assert line.startswith(mark)
        assert main.table.select_row(lambda r: r.id == "wrong-sum")
        await settle(pilot)
        shown = main.detail.query_one("#detail-flags")
        assert shown.display
        assert found[0].sentence in shown.render().plain  # type: ignore[attr-defined]


async def test_untrusted_account_names_are_shown_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from tui_fakes import FakeService, snapshot

    evil = replace(ACME, name="[bold red]x[/]")
    fake = FakeService()
    rows = [replace(i, account=evil.name) for i in acme_invoices()]
    fake.results[evil.name] = snapshot(evil, rows)
    fake.install(monkeypatch)
    app = make_app(tmp_path, accounts=[evil])
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, "C")
        await pilot.press("escape", "T")
        await settle(pilot)
        assert "[bold red]x[/]" in screen_text(app)


async def test_changes_view_lists_the_saved_changes_and_the_table_marks_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from invoicetui.core.changeset import Brief, SavedChanges
    from invoicetui.service.insight.changes import diff

    before = acme_invoices()
    late = next(i for i in before if i.id == "late-45")
    paid = inv(ACME.name, "palette", "late-45", (2026, 9), "300", status=Status.PAID)
    new = inv(ACME.name, "palette", "brand-new", (2026, 11), "12", status=Status.OPEN)
    after = [paid if i.id == "late-45" else i for i in before] + [new]
    changes = diff(before, after)
    assert changes.status_changed[0][0] == Brief.of(late)
    saved = SavedChanges(changes, datetime(2026, 11, 15, 9, 30, tzinfo=UTC),
                         datetime(2026, 11, 10, 14, 2, tzinfo=UTC))  # fmt: skip
    install(monkeypatch, acme=after)
    app = make_app(tmp_path, accounts=ACCOUNTS)

    def load_changes(account: str) -> SavedChanges | None:
        return saved if account == ACME.name else None

    monkeypatch.setattr(app.session.cache, "load_changes", load_changes, raising=False)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await settle(pilot)
        main = main_screen(app)
        assert main.marks.gutter(new) == "+"
        assert main.marks.gutter(paid) == "•"
        view = await open_view(pilot, "C")
        assert isinstance(view, ChangesScreen)
        text = screen_text(app)
        assert "Changes since Tue 14:02" in text  # 2026-11-10 was a Tuesday
        assert "OPEN → PAID" in text and "NEW" in text and "STATUS" in text
        assert [r.kind for r in view.table.rows_visible] == ["status", "amount", "new"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.invoice is not None and app.screen.invoice.id == "late-45"
        assert "status changed" in screen_text(app)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)

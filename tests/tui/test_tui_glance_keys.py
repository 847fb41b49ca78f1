"""Keys that explain themselves: detail tabs, line-item popup, "?", filter, palette, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import TabbedContent
from tui_fakes import NARROW, SIZE, main_screen, make_app, screen_text, settle, standard_service

from invoicetui.tui.commands import COMMANDS, PALETTE_ORDER
from invoicetui.tui.screens.help import HelpScreen, split_sections
from invoicetui.tui.screens.line_item import LineItemScreen

WIDE = (160, 40)


async def start(pilot: Any) -> Any:
    await settle(pilot)
    return main_screen(pilot.app)


def active_tab(app: Any) -> str | None:
    return app.screen.query_one("#detail-tabs", TabbedContent).active


async def test_number_keys_and_arrows_switch_the_detail_tabs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await start(pilot)
        await pilot.press("3")  # from the table: the detail beside it
        await settle(pilot)
        assert active_tab(app) == "tab-payments"
        await pilot.press("right")
        assert active_tab(app) == "tab-info"
        await pilot.press("right", "right")
        assert active_tab(app) == "tab-items"  # round the end
        await pilot.press("left")
        assert active_tab(app) == "tab-raw"
        await pilot.press("1")
        assert active_tab(app) == "tab-items"
        await pilot.press("question_mark")
        groups = {s.title: {r.binding_id: r.keys for r in s.rows} for s in app.screen.sections}
        assert groups["Detail tabs"] == {
            "tab-next": "→", "tab-previous": "←", "tab-1": "1", "tab-2": "2",
            "tab-3": "3", "tab-4": "4", "tab-5": "5",
        }  # fmt: skip


async def test_tab_keys_work_in_the_full_screen_detail_and_not_on_a_hidden_pane(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        main = await start(pilot)
        await pilot.press("2")  # the pane is hidden at 80 columns: nothing happens
        await settle(pilot)
        assert not main.detail.display and app.screen is main
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert active_tab(app) == "tab-raw"
        await pilot.press("left")
        assert active_tab(app) == "tab-info"


async def test_the_line_item_popup_steps_and_its_footer_shows_only_its_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        main = await start(pilot)
        await pilot.press("enter", "enter")  # table -> detail -> line items
        await settle(pilot)
        assert app.focused is main.detail.line_items_table
        await pilot.press("enter")
        await settle(pilot)
        popup = app.screen
        assert isinstance(popup, LineItemScreen)
        assert "Line item 1 of 2" in screen_text(app) and "compute 1" in screen_text(app)
        await pilot.press("j")
        assert popup.index == 1 and "Line item 2 of 2" in screen_text(app)
        assert "storage 1" in screen_text(app)
        await pilot.press("k", "n")
        assert popup.index == 1
        await pilot.press("N")
        assert popup.index == 0
        footer = screen_text(app).splitlines()[-1]
        assert "Next item" in footer and "Close" in footer
        assert "Refresh" not in footer and "Filter" not in footer  # keys of the screen behind
        await pilot.press("j", "escape")
        await settle(pilot)
        assert app.screen is main
        assert main.detail.line_items_table.cursor_index == 1  # where the popup was


async def test_help_columns_line_up_across_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await start(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        lines = screen_text(app).splitlines()

        def column_of(binding_id: str) -> int:
            line = next(line for line in lines if f" {binding_id} " in f"{line} ")
            return line.index(binding_id)

        # The groups sit in two runs side by side (so that 120x36 needs no scrolling); in
        # each run the ids line up from its first group to its last.
        runs = split_sections(app.screen.sections, 2)
        assert len(runs) == 2
        ids = ("cursor-down", "copy-id", "filter", "retry-failed", "tab-1")
        run_columns = []
        for run in runs:
            in_run = [i for i in ids if any(r.binding_id == i for s in run for r in s.rows)]
            assert in_run
            assert len({column_of(binding_id) for binding_id in in_run}) == 1
            run_columns.append(column_of(in_run[0]))
        assert run_columns[0] < run_columns[1]
        titles = [s.title for s in app.screen.sections]
        assert titles == [
            "Move", "Invoices", "Find and sort", "Accounts and data", "Detail tabs", "View",
            "Insight", "App",
        ]  # fmt: skip


async def test_the_filter_box_says_what_it_is_and_esc_returns_to_the_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("j", "j", "j")
        before = main.table.cursor_row
        await pilot.press("slash")
        text = screen_text(app)
        assert "/ " in text and "Enter keeps · Esc clears" in text
        await pilot.press(*"hpc")
        await settle(pilot)
        assert main.table.cursor_row.account == "hpc-centre"
        assert main.table.cursor_row is not before
        await pilot.press("escape")
        await settle(pilot)
        assert main.table.filter_text == ""
        assert main.table.cursor_row is before
        assert app.focused is main.table


async def test_the_palette_lists_the_apps_commands_first_then_textuals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await start(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        options = palette.query_one(CommandList)
        titles = [
            str(options.get_option_at_index(n).prompt).split("\n")[0]
            for n in range(options.option_count)
        ]
        ours = [t for t in (COMMANDS[i].title for i in PALETTE_ORDER) if t in titles]
        assert len(ours) > 20 and titles[: len(ours)] == ours  # in PALETTE_ORDER, first
        assert titles.index("Show account acme-palette") > titles.index("Quit")
        assert titles[-2:] == ["Textual: change theme", "Textual: save a screenshot"]
        assert "Keys" not in titles and "Maximize" not in titles


async def test_export_shows_the_full_path_and_can_be_sent_elsewhere_or_cancelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("e")
        await settle(pilot)
        box = app.screen.query_one("#export-path")
        assert box.value == str(tmp_path / "invoices-20261115-120000.csv")
        await pilot.press("escape")
        await settle(pilot)
        assert main.status.message == "Export cancelled"
        assert not list(tmp_path.glob("*.csv"))
        target = tmp_path / "q4.csv"
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        for _ in range(50):  # the file is written by a thread; bounded wait on its message
            await settle(pilot)
            if main.status.message.startswith("Exported"):
                break
        assert main.status.message == f"Exported 8 rows to {target}"
        assert target.read_text().startswith("account,")


async def test_export_offers_the_ui_downloads_folder_of_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_fakes import ACME, NOW

    from invoicetui.config.options import AppSetup
    from invoicetui.tui.app import InvoiceApp

    standard_service().install(monkeypatch)
    downloads = tmp_path / "statements"
    downloads.mkdir()
    setup = AppSetup(accounts=[ACME], cache_dir=tmp_path / "cache", downloads=downloads)
    app = InvoiceApp(setup, now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("e")
        await settle(pilot)
        path = app.screen.query_one("#export-path").value
        assert path == str(downloads / "invoices-20261115-120000.csv")


@pytest.mark.parametrize(
    ("size", "focus"),
    [((120, 36), "table"), ((120, 36), "sidebar"), ((160, 45), "table"), ((160, 45), "detail")],
)
async def test_help_fits_without_scrolling_from_120x36(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], focus: str
) -> None:
    """Every key group and the reading rules on one screen (at 80x24 it may scroll)."""
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        main = await start(pilot)
        if focus == "sidebar":
            main.sidebar.focus()
        elif focus == "detail":
            await pilot.press("enter")
            await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y == 0, f"{body.virtual_size.height} lines in {body.size}"
        text = screen_text(app)
        assert "Reading the table" in text and "Quit" in text
        assert app.screen.sections[-1].rows[-1].description in text

"""Every key path of the TUI (and its rebinding), driven with Pilot against a fake service."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.command import CommandPalette
from tui_fakes import (
    ACME,
    DOIT,
    HPC,
    NARROW,
    SIZE,
    VECTOR,
    invoice,
    main_screen,
    make_app,
    screen_text,
    settle,
    snapshot,
    standard_service,
)

from invoicetui.config.options import FetchMode
from invoicetui.core.errors import AuthError
from invoicetui.tui.screens.help import HelpScreen
from invoicetui.tui.widgets.sidebar import Sidebar

WIDE = (160, 40)


async def start(pilot: Any) -> Any:
    await settle(pilot)
    return main_screen(pilot.app)


async def test_tab_and_shift_tab_move_between_panes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        main = await start(pilot)
        assert app.focused is main.table
        await pilot.press("shift+tab")
        assert app.focused is main.sidebar
        await pilot.press("tab")
        assert app.focused is main.table
        await pilot.press("tab")
        assert main._within(main.detail)


CURSOR_PATHS: list[tuple[list[str], int]] = [
    (["j"], 1),
    (["down", "down"], 2),
    (["j", "j", "k"], 1),
    (["j", "up"], 0),
    (["G"], 7),
    (["end"], 7),
    (["G", "g"], 0),
    (["G", "home"], 0),
    (["pagedown"], 7),
    (["pagedown", "pageup"], 0),
]


async def test_cursor_keys_move_in_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        for keys, index in CURSOR_PATHS:
            main.table.move_cursor(0)
            await pilot.press(*keys)
            await settle(pilot)
            assert main.table.cursor_index == index, keys
            # The detail follows the highlighted invoice, with its position.
            assert main.detail.position == (index + 1, 8), keys


async def test_enter_and_l_drill_in_esc_and_h_back_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        main = await start(pilot)
        await pilot.press("enter")
        assert main._within(main.detail)
        await pilot.press("l")
        assert app.focused is main.detail.line_items_table
        await pilot.press("escape")
        assert main._within(main.detail)
        assert app.focused is not main.detail.line_items_table
        await pilot.press("h")
        assert app.focused is main.table
        await pilot.press("escape")
        assert app.focused is main.sidebar
        await pilot.press("escape", "h", "escape")
        await settle(pilot)
        assert app.is_running  # Esc never quits
        assert app.focused is main.sidebar
        await pilot.press("l")
        assert app.focused is main.table


async def test_n_and_shift_n_step_through_invoices_in_the_detail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        main = await start(pilot)
        await pilot.press("enter")
        assert "(1 of 8)" in screen_text(app)
        await pilot.press("n", "n")
        await settle(pilot)
        assert "(3 of 8)" in screen_text(app)
        await pilot.press("N")
        await settle(pilot)
        assert "(2 of 8)" in screen_text(app)
        assert main.table.cursor_index == 1


@pytest.mark.parametrize("size", [SIZE, (60, 15)])  # (60, 15): the box above a narrow table
async def test_keys_sent_right_after_the_first_slash_reach_the_box(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """The box is built on the first "/": keys arriving before it is mounted wait for it."""
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        main = await start(pilot)
        assert not main.query("#filter")  # not built before the first "/"
        driver = app._driver
        assert driver is not None
        for key, char in (("slash", "/"), ("h", "h"), ("p", "p"), ("c", "c")):  # p: detail
            event = events.Key(key, char)
            event.set_sender(app)
            driver.send_message(event)  # at once, as a terminal delivers fast typing
        await settle(pilot)
        assert main.query_one("#filter").value == "hpc"
        assert main.table.visible_count == 3
        await pilot.press("slash")  # in the box, "/" is a character, not the key again
        assert main.query_one("#filter").value == "hpc/"


async def test_slash_filters_enter_applies_esc_clears(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("slash")
        box = main.query_one("#filter")
        assert box.display and app.focused is box
        await pilot.press(*"hpc")  # h and l type, they do not move focus
        await settle(pilot)
        assert main.table.visible_count == 3
        assert str(main.table.border_title) == "Invoices 3 of 8 · filter: hpc"
        await pilot.press("enter")
        await settle(pilot)
        assert not box.display
        assert app.focused is main.table
        assert main.table.visible_count == 3
        # Esc in the table clears an active filter before backing out.
        await pilot.press("escape")
        await settle(pilot)
        assert main.table.visible_count == 8
        assert app.focused is main.table
        # Esc in the filter box clears and hides it.
        await pilot.press("slash", *"paid", "escape")
        await settle(pilot)
        assert not box.display
        assert main.table.filter_text == ""
        assert main.table.visible_count == 8
        assert app.focused is main.table


async def test_filter_matches_status_and_says_when_nothing_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("slash", *"paid", "enter")
        await settle(pilot)
        assert main.table.visible_count == 3
        await pilot.press("slash", "ctrl+u", *"zzz", "enter")
        await settle(pilot)
        assert main.table.visible_count == 0
        text = screen_text(app)
        assert "No match for “zzz” · Esc clears the filter" in text
        assert text.count("No match") == 1 and "No invoices" not in text  # said once


async def test_s_and_shift_s_choose_sort_column_and_direction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        main = await start(pilot)
        await pilot.press("s")
        first = main.table.sort_column
        assert first is not None
        assert "↑" in str(main.table.border_subtitle)
        assert main.status.message.startswith("Sorted by")
        await pilot.press("s")
        assert main.table.sort_column not in (None, first)
        await pilot.press("S")
        assert main.table.sort_reverse
        assert "↓" in str(main.table.border_subtitle)
        assert "descending" in main.status.message


async def test_r_refreshes_the_selected_account_and_retries_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        assert main.states[DOIT.name].phase == "failed"
        fake.calls.clear()
        fake.results[DOIT.name] = snapshot(DOIT, [invoice(DOIT.name, "doit", 1)])
        main.sidebar.focus()
        main.sidebar.select_scope(f"account:{DOIT.name}")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert fake.calls == [(DOIT.name, FetchMode.REFRESH)]
        assert main.states[DOIT.name].phase == "ok"
        assert main.table.visible_count == 1
        assert "check DOIT_API_KEY" not in screen_text(app)


async def test_r_on_all_accounts_refreshes_the_highlighted_invoices_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        fake.calls.clear()
        gate = fake.gates[ACME.name] = asyncio.Event()
        await pilot.press("r")
        await pilot.pause()
        # Until the work is done the status says so; then what came of it, nothing older.
        assert main_screen(app).status.message == "Refreshing acme-palette…"
        gate.set()
        await settle(pilot)
        assert fake.calls == [(ACME.name, FetchMode.REFRESH)]
        assert main_screen(app).status.message == "acme-palette: 5 invoices, 0 changed"


async def test_shift_r_refreshes_all_and_a_new_failure_keeps_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        fake.calls.clear()
        fake.results[HPC.name] = AuthError("token rejected", hint="check the Waldur token")
        await pilot.press("R")
        await settle(pilot)
        assert sorted(name for name, _ in fake.calls) == sorted(
            [ACME.name, HPC.name, DOIT.name, VECTOR.name]
        )
        assert all(mode is FetchMode.REFRESH for _, mode in fake.calls)
        assert main.states[HPC.name].phase == "failed"
        assert main.states[ACME.name].phase == "ok"
        # The failed refresh keeps what was already on screen for that account.
        assert main.table.visible_count == 8


async def test_offline_refresh_rereads_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    fake.cached[ACME.name] = snapshot(ACME, [invoice(ACME.name, "palette", 1)])
    app = make_app(tmp_path, accounts=[ACME], mode=FetchMode.OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        fake.calls.clear()
        await pilot.press("r")
        await settle(pilot)
        assert fake.calls == [(ACME.name, FetchMode.OFFLINE)]


async def test_y_and_shift_y_copy_id_and_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("j", "y")
        assert app.clipboard == "acme-palette-inv-002"
        assert main.status.message == "Copied invoice id acme-palette-inv-002"
        await pilot.press("Y")
        assert app.clipboard == "https://billing.example/inv/acme-palette/2"
        assert "Copied URL https://billing.example/inv/acme-palette/2" in screen_text(app)


async def test_copy_url_without_url_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    fake.results[ACME.name] = snapshot(ACME, [invoice(ACME.name, "palette", 1, url=None)])
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("Y")
        assert main.status.message == "Invoice N001 has no URL"
        await pilot.press("o")
        assert main.status.message == "Invoice N001 has no URL"


async def test_o_opens_and_shows_the_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("o")
        assert opened == ["https://billing.example/inv/acme-palette/1"]
        assert main.status.message == "Opened https://billing.example/inv/acme-palette/1"


async def test_keys_with_no_invoice_say_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path, accounts=[VECTOR])
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        for key in ("y", "Y", "o"):
            await pilot.press(key)
            assert main.status.message == "No invoice highlighted"
        await pilot.press("e")
        assert main.status.message == "Nothing to export: no visible rows"
        await pilot.press("n", "N", "enter", "j", "G")
        assert app.is_running


async def test_p_hides_and_shows_the_detail_pane(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        main = await start(pilot)
        assert main.detail.display
        await pilot.press("p")
        assert not main.detail.display
        await pilot.press("p")
        assert main.detail.display


async def test_p_on_a_narrow_terminal_stacks_the_detail_below(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        main = await start(pilot)
        assert not main.detail.display
        await pilot.press("p")
        await settle(pilot)
        assert main.detail.display
        assert main.detail.region.y >= main.table.region.bottom
        # With the pane stacked, Enter drills into it instead of opening a screen.
        await pilot.press("enter")
        assert main._within(main.detail)


async def test_e_exports_the_visible_rows_as_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("slash", *"hpc", "enter", "e")
        await settle(pilot)
        path = tmp_path / "invoices-20261115-120000.csv"
        # e shows where the file goes, in full, before writing it; Enter saves.
        assert app.screen.query_one("#export-path").value == str(path)
        await pilot.press("enter")
        await settle(pilot)
        for _ in range(50):  # delivery is written by a thread; bounded wait on its message
            if main.status.message.startswith("Exported"):
                break
            await pilot.pause(0.02)
        assert main.status.message == f"Exported 3 rows to {path}"
        rows = list(csv.DictReader(io.StringIO(path.read_text())))
        assert [r["id"] for r in rows] == [f"hpc-centre-inv-00{n}" for n in (1, 2, 3)]


async def test_question_mark_shows_keys_for_the_focused_pane(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        # Grouped by purpose, in one order; the keys are those of the focused pane.
        sections = {s.title: {row.binding_id for row in s.rows} for s in app.screen.sections}
        assert list(sections) == [
            "Move", "Invoices", "Find and sort", "Accounts and data", "View", "Insight", "App"
        ]  # fmt: skip
        # 120 columns: the detail pane is hidden, so its tab keys do not work and are not listed.
        assert "Detail tabs" not in sections
        assert {"cursor-down", "top", "bottom", "select", "back"} <= sections["Move"]
        assert {"copy-id", "export"} <= sections["Invoices"]
        assert {"filter", "sort"} <= sections["Find and sort"]
        assert {"refresh", "retry-failed"} <= sections["Accounts and data"]
        assert {"quit", "help"} <= sections["App"]
        assert app.screen.pane == "Invoices"
        assert "Keys · Invoices pane" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("shift+tab", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.pane == "Accounts"
        select = next(r for s in app.screen.sections for r in s.rows if r.binding_id == "select")
        assert select.description == "Show this account's invoices"
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)


async def test_ctrl_p_palette_runs_the_same_actions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"copy invoice id")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.clipboard == "acme-palette-inv-001"
        await pilot.press("ctrl+p", *"show account hpc")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert main.scope == "account:hpc-centre"
        assert main.table.visible_count == 3


async def test_sidebar_keys_change_the_scope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("shift+tab")
        assert app.focused is main.sidebar
        await pilot.press("j", "j")  # All -> Palette -> acme-palette
        await settle(pilot)
        assert main.scope == "account:acme-palette"
        assert main.table.visible_count == 5
        assert "account: acme-palette" in str(main.table.border_title)
        await pilot.press("G")
        await settle(pilot)
        assert main.scope == "account:vector-db"
        await pilot.press("g", "enter")
        await settle(pilot)
        assert main.scope == "all"
        assert app.focused is main.table


async def test_q_quits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_rebound_keys_from_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    keys = {"copy-id": "c", "cursor-down": "ctrl+n", "quit": "x", "filter": "f"}
    app = make_app(tmp_path, keys=keys)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("ctrl+n")
        assert main.table.cursor_index == 1
        await pilot.press("y")  # no longer bound
        assert app.clipboard == ""
        await pilot.press("c")
        assert app.clipboard == "acme-palette-inv-002"
        await pilot.press("f")
        assert app.focused is main.query_one("#filter")
        await pilot.press("escape", "question_mark")
        rows = {r.binding_id: r.keys for s in app.screen.sections for r in s.rows}
        assert rows["copy-id"] == "c"
        assert rows["quit"] == "x"
        await pilot.press("escape", "q")
        assert app.is_running
        await pilot.press("x")
        await pilot.pause()
        assert not app.is_running


async def test_sidebar_is_a_sidebar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        assert len(app.screen.query(Sidebar)) == 1


async def test_copy_and_open_work_in_the_full_screen_detail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=NARROW) as pilot:
        await start(pilot)
        await pilot.press("enter", "n")
        await settle(pilot)
        await pilot.press("y")
        assert app.clipboard == "acme-palette-inv-002"
        await pilot.press("Y")
        assert app.clipboard == "https://billing.example/inv/acme-palette/2"
        await pilot.press("o")
        assert opened == ["https://billing.example/inv/acme-palette/2"]
        messages = [str(n.message) for n in app._notifications]
        assert "Opened https://billing.example/inv/acme-palette/2" in messages
        assert "Copied invoice id acme-palette-inv-002" in messages


async def test_filter_matches_line_item_descriptions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        await pilot.press("slash", *"compute 3", "enter")
        await settle(pilot)
        assert {inv.id for inv in main.table.rows_visible} == {
            "acme-palette-inv-003",
            "hpc-centre-inv-003",
        }


async def test_a_key_clash_in_the_config_is_reported_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path, keys={"copy-id": "s"})  # s already chooses the sort column
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("s", "s", "j")
        assert app.clipboard == "acme-palette-inv-001"
        clashes = [n for n in app._notifications if n.title == "Key clash"]
        assert len(clashes) == 1
        assert str(clashes[0].message) == (
            "[keys]: s is bound to both sort and copy-id; only one of them will answer"
        )


def test_default_keys_do_not_clash() -> None:
    from invoicetui.tui.keymap import key_clashes

    assert key_clashes({}) == []
    assert key_clashes({"refresh": "ctrl+r"}) == []


async def test_help_in_the_full_screen_detail_shows_its_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await start(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        everything = {r.binding_id for s in app.screen.sections for r in s.rows}
        assert {"next-invoice", "previous-invoice", "back", "copy-id", "quit"} <= everything
        await pilot.press("escape")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is main_screen(app)

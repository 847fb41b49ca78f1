"""The TUI's behaviour with a fake service layer: loading, cache, failures, layout, safety."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static
from tui_fakes import (
    ACME,
    DOIT,
    HPC,
    NARROW,
    NOW,
    SIZE,
    VECTOR,
    FakeService,
    invoice,
    main_screen,
    make_app,
    screen_text,
    settle,
    snapshot,
    standard_service,
)

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import AppSetup, FetchMode
from invoicetui.core.errors import NetworkError
from invoicetui.core.model import Status
from invoicetui.tui import app as app_module
from invoicetui.tui.screens.detail import DetailScreen
from invoicetui.tui.widgets.sidebar import Sidebar


def notice(app: Any) -> str:
    widget = main_screen(app).query_one("#notice", Static)
    return str(widget.render()) if widget.display else ""


async def test_start_shows_every_account_with_its_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        phases = {name: (s.phase, s.count) for name, s in main.states.items()}
        assert phases == {
            "acme-palette": ("ok", 5),
            "hpc-centre": ("ok", 3),
            "doit-prod": ("failed", 0),
            "vector-db": ("ok", 0),
        }
        text = screen_text(app)
        for word in ("All accounts", "Palette", "acme-palette", "ok 5", "ok 3", "auth failed"):
            assert word in text
        assert "Invoices 8 of 8" in str(main.table.border_title)
        # The failing account says what to do, in the pane and in the status bar.
        assert "check DOIT_API_KEY" in notice(app)
        assert "check DOIT_API_KEY" in main.status.message


async def test_loading_shows_pages_then_ok(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = standard_service().install(monkeypatch)
    gate = asyncio.Event()
    fake.gates[ACME.name] = gate
    fake.pages[ACME.name] = [[invoice(ACME.name, "palette", 1)]]
    app = make_app(tmp_path, accounts=[ACME, HPC])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        main = main_screen(app)
        assert main.states[ACME.name].phase == "loading"
        assert "loading 1/2" in screen_text(app)
        # The first page is on screen before the account finished.
        assert any(inv.id == "acme-palette-inv-001" for inv in main.table.rows_visible)
        gate.set()
        await settle(pilot)
        assert main.states[ACME.name].phase == "ok"
        assert main.table.visible_count == 8


async def test_cache_painted_first_then_replaced_by_fresh_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    three_hours = NOW - timedelta(hours=3)
    fake.cached[ACME.name] = snapshot(
        ACME, [invoice(ACME.name, "palette", 9)], fetched_at=three_hours, from_cache=True
    )
    gate = asyncio.Event()
    fake.gates[ACME.name] = gate
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        main = main_screen(app)
        assert [inv.id for inv in main.table.rows_visible] == ["acme-palette-inv-009"]
        assert main.status.freshness == "as of 09:00, 3 h ago"
        gate.set()
        await settle(pilot)
        assert main.table.visible_count == 5
        assert "acme-palette-inv-009" not in {inv.id for inv in main.table.rows_visible}
        assert main.status.freshness == "as of 12:00, just now"


async def test_failure_with_cache_is_stale_with_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    fake.cached[DOIT.name] = snapshot(
        DOIT, [invoice(DOIT.name, "doit", 1)], fetched_at=NOW - timedelta(hours=3)
    )
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert main.states[DOIT.name].phase == "stale"
        assert "stale 3h" in screen_text(app)
        assert "showing cached data" in notice(app)
        assert "check DOIT_API_KEY" in notice(app)
        assert main.table.visible_count == 9


async def test_offline_mode_shows_cache_age_and_missing_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    fake.cached[ACME.name] = snapshot(
        ACME, [invoice(ACME.name, "palette", 1)], fetched_at=NOW - timedelta(days=2)
    )
    app = make_app(tmp_path, accounts=[ACME, HPC], mode=FetchMode.OFFLINE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert main.states[ACME.name].phase == "offline"
        assert main.states[HPC.name].phase == "failed"
        text = screen_text(app)
        assert "offline 2d" in text
        assert "no cache" in text
        assert "run without --offline" in notice(app)
        assert fake.calls == [(ACME.name, FetchMode.OFFLINE), (HPC.name, FetchMode.OFFLINE)] or (
            sorted(fake.calls)
            == sorted([(ACME.name, FetchMode.OFFLINE), (HPC.name, FetchMode.OFFLINE)])
        )


async def test_empty_account_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        main.sidebar.select_scope(f"account:{VECTOR.name}")
        await settle(pilot)
        assert main.table.visible_count == 0
        assert "No invoices here" in notice(app)
        assert str(main.table.border_title) == "Invoices 0 of 8 · account: vector-db"
        assert main.detail.invoice is None


async def test_selecting_an_account_or_provider_filters_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        main.sidebar.select_scope("provider:waldur")
        await settle(pilot)
        assert {inv.account for inv in main.table.rows_visible} == {HPC.name}
        main.sidebar.select_scope("all")
        await settle(pilot)
        assert main.table.visible_count == 8


async def test_demo_marker_and_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    standard_service().install(monkeypatch)
    config = tmp_path / "conf" / "config.toml"
    app = make_app(tmp_path, demo=True, config_path=config)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "DEMO" in text
        assert "add a real account in" in text
        assert app.session.demo_hint().endswith(f"{config} (see README)")


async def test_no_demo_marker_with_a_real_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "DEMO" not in screen_text(app)


async def test_hostile_text_is_shown_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evil = AccountConfig(name="[red]evil[/red]", provider="zilliz")
    fake = FakeService().install(monkeypatch)
    fake.results[evil.name] = NetworkError("[bold]boom[/bold] \x1b[31mred", hint="[link=x]y")
    app = make_app(tmp_path, accounts=[evil])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "[red]evil[/red]" in text
        assert "[bold]boom[/bold]" in notice(app)
        assert "\x1b" not in notice(app)
        assert "\x1b" not in main_screen(app).status.message


async def test_a_crashing_client_fails_only_its_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    original = fake.load_account

    async def flaky(account: AccountConfig, *args: Any, **kwargs: Any) -> Any:
        if account.name == HPC.name:
            raise RuntimeError("parser bug")
        return await original(account, *args, **kwargs)

    monkeypatch.setattr("invoicetui.service.loading.load_account", flaky)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert main.states[HPC.name].phase == "failed"
        assert "unexpected error: RuntimeError: parser bug" in (main.states[HPC.name].error or "")
        assert main.states[ACME.name].phase == "ok"
        assert app.is_running


async def test_details_are_fetched_for_summaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeService().install(monkeypatch)
    fake.results[ACME.name] = snapshot(
        ACME, [invoice(ACME.name, "palette", n, detailed=False) for n in (1, 2)]
    )
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert fake.detail_calls == ["acme-palette-inv-001"]
        await settle(pilot)
        shown = main.detail.invoice
        assert shown is not None and shown.detailed
        assert shown.line_items[0].description == "fetched item"


async def test_detail_failure_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeService().install(monkeypatch)
    fake.results[ACME.name] = snapshot(ACME, [invoice(ACME.name, "palette", 1, detailed=False)])
    fake.details["acme-palette-inv-001"] = NetworkError("connection refused")
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        status = main_screen(app).status.message
        assert "details not loaded" in status
        assert "connection refused" in status


async def test_narrow_terminal_opens_detail_full_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert main.has_class("-narrow")
        assert not main.detail.display
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "(1 of 8)" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert "(2 of 8)" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is main
        assert main.table.cursor_index == 1


async def test_wide_terminal_shows_detail_beside_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert not main.has_class("-narrow")
        assert main.detail.display
        assert main.detail.region.x > main.table.region.right - 1


async def test_known_theme_is_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path, theme="nord")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "nord"


async def test_unknown_theme_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path, theme="no-such-theme")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme != "no-such-theme"
        assert any("no-such-theme" in str(n.message) for n in app._notifications)


async def test_no_color_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert app.no_color
        assert "failed" in screen_text(app)  # state words carry the meaning without colour


async def test_no_accounts_says_how_to_add_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeService().install(monkeypatch)
    app = make_app(tmp_path, accounts=[])
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert "No accounts configured" in main_screen(app).status.message


async def test_hang_up_cancels_workers_and_exits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    fake.gates[ACME.name] = asyncio.Event()  # never set: a fetch that would hang forever
    forced: list[tuple[float, int]] = []
    monkeypatch.setattr(app_module, "_exit_after", lambda s, c: forced.append((s, c)))
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.hang_up()
        await pilot.pause()
    assert app.return_code == app_module.HANGUP_EXIT
    assert forced == [(app_module.HANGUP_GRACE, app_module.HANGUP_EXIT)]
    assert all(w.is_finished for w in app.workers)


def test_run_passes_mouse_setting_and_returns_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_run(self: app_module.InvoiceApp, **kwargs: Any) -> int:
        seen.update(kwargs)
        seen["catch_hangup"] = self.catch_hangup
        self._return_code = 0
        return 0

    monkeypatch.setattr(app_module.InvoiceApp, "run", fake_run)
    monkeypatch.setattr(app_module, "terminal_problem", lambda *_: None)  # pytest has no tty
    setup = AppSetup(accounts=[], cache_dir=tmp_path, mouse=False)
    assert app_module.run(setup) == 0
    assert seen == {"mouse": False, "catch_hangup": True}


async def test_refresh_ignores_messages_from_the_replaced_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        old_generation = main.generations[ACME.name]
        fake.results[ACME.name] = snapshot(ACME, [invoice(ACME.name, "palette", 1)])
        main.start_load(ACME.name, FetchMode.REFRESH)
        # A late message of the first load must not undo the refresh.
        from invoicetui.tui import messages as msg

        stale = snapshot(ACME, [invoice(ACME.name, "palette", n) for n in range(7)])
        main.post_message(msg.InvoicesLoaded(ACME.name, stale, old_generation))
        await settle(pilot)
        assert main.table.visible_count == 1


async def test_sidebar_lists_providers_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path, accounts=[VECTOR, ACME, HPC, DOIT])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = [o.id for o in app.screen.query_one(Sidebar).options]
        assert ids == [
            "all",
            "provider:palette",
            "account:acme-palette",
            "provider:waldur",
            "account:hpc-centre",
            "provider:doit",
            "account:doit-prod",
            "provider:zilliz",
            "account:vector-db",
        ]


def test_invoice_fixture_is_consistent() -> None:
    inv = invoice("a", "doit", 1, status=Status.PAID)
    assert replace(inv, detailed=False).id == "a-inv-001"


# ---------------------------------------------------------------------- the store, no screen


def test_store_fresh_pages_replace_cached_rows_in_place() -> None:
    from invoicetui.tui.screens.store import InvoiceStore

    store = InvoiceStore([ACME])
    store.begin(ACME.name)
    cached = [invoice(ACME.name, "palette", n) for n in (1, 2, 3)]
    assert store.cache_loaded(ACME.name, snapshot(ACME, cached))
    newer = replace(cached[1], total=cached[1].total and cached[1].total + 1)
    store.page(ACME.name, [newer, invoice(ACME.name, "palette", 4)])
    ids = [inv.id for inv in store.rows_of(ACME.name)]
    assert ids == [f"acme-palette-inv-00{n}" for n in (2, 4, 1, 3)]
    assert store.rows_of(ACME.name)[0] is newer
    assert store.states[ACME.name].count == 3
    # The cache arriving after fresh pages must not win.
    assert not store.cache_loaded(ACME.name, snapshot(ACME, cached))


def test_store_states_and_generations() -> None:
    from invoicetui.tui.screens.store import InvoiceStore

    store = InvoiceStore([ACME, HPC], offline=True)
    first = store.begin(ACME.name)
    second = store.begin(ACME.name)
    assert not store.is_current(ACME.name, first)
    assert store.is_current(ACME.name, second)
    assert not store.is_current("nobody", 1)
    store.loaded(ACME.name, snapshot(ACME, [invoice(ACME.name, "palette", 1)]))
    assert store.states[ACME.name].phase == "offline"
    store.begin(ACME.name)
    store.failed(ACME.name, NetworkError("connection refused", provider="palette", account="a"))
    state = store.states[ACME.name]
    assert (state.phase, state.short_error) == ("failed", "unreachable")
    assert len(store.rows_of(ACME.name)) == 1  # what was on screen stays
    assert store.notice_lines("all") == [
        "✗ Palette account 'a': connection refused (F retries failed accounts)"
    ]
    assert store.notice_lines(f"account:{HPC.name}") == []
    store.loaded(HPC.name, snapshot(HPC, [], stale=True, error="boom"))
    assert store.states[HPC.name].phase == "stale"
    assert store.scope_accounts("provider:waldur") == [HPC.name]


async def test_cursor_stays_on_top_while_accounts_arrive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    gate = asyncio.Event()
    fake.gates[HPC.name] = gate
    app = make_app(tmp_path, accounts=[HPC, ACME])
    async with app.run_test(size=SIZE) as pilot:
        await settle_until_loaded(pilot, ACME.name)
        main = main_screen(app)
        assert main.table.cursor_index == 0
        gate.set()  # hpc-centre's rows land above acme-palette's
        await settle(pilot)
        assert main.table.cursor_index == 0
        assert main.table.cursor_row.account == HPC.name


async def settle_until_loaded(pilot: Any, account: str) -> None:
    main = main_screen(pilot.app)
    for _ in range(200):
        await pilot.pause()
        if main.states[account].phase == "ok" and not main.rows_pending:
            return
    raise AssertionError(f"{account} never loaded")


async def test_usable_at_80x24(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path, demo=True)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        main = main_screen(app)
        text = screen_text(app)
        for expected in ("DEMO", "All accounts", "vector-db", "Invoices 8 of 8", "as of 12:00"):
            assert expected in text
        assert main.table.region.height >= 8  # header, rows and border fit
        assert main.sidebar.region.width <= 26
        assert main.status.region.bottom <= 24


async def test_resizing_moves_the_detail_pane(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert main.detail.display and not main.has_class("-narrow")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert main.has_class("-narrow") and main.has_class("-short")
        assert not main.detail.display
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        assert main.detail.display and not main.has_class("-short")


def test_store_notice_summarises_many_failures() -> None:
    from invoicetui.core.errors import OfflineNoData
    from invoicetui.tui.screens.store import InvoiceStore

    accounts = [AccountConfig(name=f"a{n}", provider="doit") for n in range(5)]
    store = InvoiceStore(accounts, offline=True)
    for account in accounts:
        store.failed(account.name, OfflineNoData(f"no cached data for account '{account.name}'"))
    lines = store.notice_lines("all")
    assert lines == [
        "✗ no cached data for account 'a0'",
        "✗ no cached data for account 'a1'",
        "… and 3 more: select an account to see why",
    ]


def test_store_notice_shows_account_warnings() -> None:
    """A count mismatch or a skipped record is a warning on the account, not silence."""
    from dataclasses import replace

    from invoicetui.tui.screens.store import InvoiceStore

    store = InvoiceStore([ACME, HPC])
    warning = "Waldur account 'hpc': provider items of 2026-10: the server counted 3"
    store.loaded(HPC.name, replace(snapshot(HPC, []), warnings=(warning,)))
    assert store.states[HPC.name].phase == "ok"  # the data is there: not a failure
    assert store.notice_lines("all") == [f"! {warning}"]
    store.loaded(HPC.name, snapshot(HPC, []))
    assert store.notice_lines("all") == []


def test_store_forgets_details_of_a_refreshed_account() -> None:
    from invoicetui.tui.screens.store import InvoiceStore

    store = InvoiceStore([ACME, HPC])
    one = invoice(ACME.name, "palette", 1)
    other = invoice(HPC.name, "waldur", 1)
    store.details = {(one.account, one.id): one, (other.account, other.id): other}
    store.loaded(ACME.name, snapshot(ACME, [one], from_cache=True))
    assert (one.account, one.id) in store.details
    store.loaded(ACME.name, snapshot(ACME, [one]))
    assert list(store.details) == [(other.account, other.id)]


async def test_hidden_detail_pane_builds_its_tabs_only_when_first_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below 140 columns the pane starts hidden and tabless (a faster start); p builds them."""
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert not main.detail.display
        assert not main_screen(app).query("#detail-tabs")
        await pilot.press("p")
        await settle(pilot)
        assert main.detail.display
        assert main_screen(app).query("#detail-tabs")
        assert "Line items" in screen_text(app)


async def test_wide_start_builds_the_detail_tabs_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert main_screen(app).detail.display
        assert main_screen(app).query("#detail-tabs")

"""Counts never disagree: the sidebar's "All accounts N" and the table's "Invoices n of N".

Both read one value, the main screen's `total_rows` (data_bind), so they are sampled at
every step of a load (pages of a paged account arriving, one account failing, a filter,
a refresh over cached rows) against the demo APIs, and must say the same number each time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from tui_fakes import NOW, main_screen, screen_text, settle

from invoicetui.config.options import AppSetup, FetchMode
from invoicetui.demo.server import DemoServer, Fault, build_providers, demo_accounts
from invoicetui.tui.app import InvoiceApp
from invoicetui.tui.screens.browser import Browser
from invoicetui.tui.widgets.sidebar import ALL

ACCOUNTS = ("acme-palette", "doit-scale", "vector-db", "doit-reseller")
PAGED = "doit-scale"  # 200 invoices in pages of 50
FAILING = "doit-reseller"  # configured with a wrong token


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(providers=build_providers(doit_scale=2000), rate_limits=False) as srv:
        yield srv


def make_app(server: DemoServer, cache: Path) -> InvoiceApp:
    accounts = [
        replace(a, max_rps=1000.0, token="wrong" if a.name == FAILING else a.token)
        for a in demo_accounts(server)
        if a.name in ACCOUNTS
    ]
    setup = AppSetup(accounts=accounts, cache_dir=cache, mode=FetchMode.AUTO)
    return InvoiceApp(setup, now=lambda: NOW, tz=UTC)


def sidebar_total(main: Any) -> int:
    """The number the sidebar's "All accounts" entry shows now."""
    return int(main.sidebar.shown(ALL)[1])


def table_total(main: Any) -> tuple[int, int]:
    """(n, N) of the table's title "Invoices n of N"."""
    found = re.match(r"Invoices (\d+) of (\d+)", str(main.table.border_title))
    assert found is not None, main.table.border_title
    return int(found[1]), int(found[2])


class Samples:
    """What both panes said after every message the screen handled that changes either."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, tuple[int, int], bool]] = []

    def take(self, main: Any, where: str) -> None:
        loading = any(s.phase == "loading" for s in main.states.values())
        self.seen.append((where, sidebar_total(main), table_total(main), loading))


def install_sampler(monkeypatch: pytest.MonkeyPatch, samples: Samples) -> None:
    for name in ("_state_changed", "_after_data_changed", "_after_rows_changed"):
        original = getattr(Browser, name)

        def sampled(self: Any, *args: Any, _original: Any = original, _name: str = name) -> None:
            _original(self, *args)
            samples.take(self, _name)

        monkeypatch.setattr(Browser, name, sampled)


def assert_agree(samples: Samples) -> None:
    for where, side, (shown, total), _ in samples.seen:
        assert side == total, f"after {where}: sidebar {side}, table {shown} of {total}"


async def test_sidebar_and_table_counts_agree_while_loading_failing_filtering_refreshing(
    server: DemoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples = Samples()
    install_sampler(monkeypatch, samples)
    # DoiT's pages come 0.25 s apart, so some arrive after the UI has started. (This fault
    # matched "pageToken" before, which is in the query, never in the path a fault is matched
    # against: it never applied, and once the fetch ran in its own thread the four pages
    # could all arrive while a loaded UI was still starting.)
    server.faults.append(Fault("slow", provider="doit", path_contains="/invoices", delay=0.25))
    app = make_app(server, tmp_path / "cache")
    async with app.run_test(size=(120, 36)) as pilot:
        main = main_screen(app)
        # Poll while the load runs: each pause lets the app handle what arrived, then the
        # screen as painted is read too (not only the widgets' state).
        for _ in range(2000):
            await pilot.pause()
            text = screen_text(app)
            shown = re.search(r"All accounts +(\d+)", text)
            title = re.search(r"Invoices \d+ of (\d+)", text)
            if shown and title:
                assert shown[1] == title[1], text
            if not any(s.phase == "loading" for s in main.states.values()):
                break
        await settle(pilot)
        assert main.states[FAILING].phase == "failed"
        assert main.states[PAGED].phase == "ok" and main.states[PAGED].count == 200
        mid_load = {total for _, _, (_, total), loading in samples.seen if loading}
        final = table_total(main)[1]
        assert any(0 < total < final for total in mid_load), mid_load  # pages were seen
        assert final == sum(s.count for s in main.states.values())
        assert_agree(samples)

        # A filter changes n, never N (nor the sidebar).
        await pilot.press("slash", *"doit-scale", "enter")
        await settle(pilot)
        assert table_total(main) == (200, final) and sidebar_total(main) == final

        # A refresh of everything over cached rows: pages replace them as they come.
        samples.seen.clear()
        await pilot.press("escape", "R")
        for _ in range(2000):
            await pilot.pause()
            if not any(s.phase == "loading" for s in main.states.values()):
                break
        await settle(pilot)
        assert any(loading for *_, loading in samples.seen)
        assert_agree(samples)
        assert sidebar_total(main) == table_total(main)[1] == final
        assert main.table.visible_count == final

"""Failures and progress: F retries what failed, and every progress message ends in an outcome."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from tui_fakes import (
    ACME,
    DOIT,
    HPC,
    SIZE,
    FakeService,
    invoice,
    main_screen,
    make_app,
    settle,
    snapshot,
    standard_service,
)

from invoicetui.config.options import FetchMode


def notice(app: Any) -> str:
    return str(main_screen(app).query_one("#notice").render())


async def test_f_retries_the_failed_account_not_the_highlighted_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert main.table.cursor_row.account == ACME.name
        assert "(F retries failed accounts)" in notice(app)
        fake.calls.clear()
        fake.results[DOIT.name] = snapshot(DOIT, [invoice(DOIT.name, "doit", 1)])
        gate = fake.gates[DOIT.name] = asyncio.Event()
        await pilot.press("F")
        await pilot.pause()
        assert main.status.message == "Retrying doit-prod…"
        gate.set()
        await settle(pilot)
        assert fake.calls == [(DOIT.name, FetchMode.REFRESH)]
        assert main.states[DOIT.name].phase == "ok"
        assert main.status.message == "doit-prod: 1 invoice, 1 changed"
        assert "retries" not in notice(app)
        await pilot.press("F")
        assert main.status.message == "No failed accounts to retry"


async def test_the_retry_hint_names_the_key_the_user_chose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path, keys={"retry-failed": "ctrl+t"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "(Ctrl+T retries failed accounts)" in notice(app)


async def test_a_failed_retry_says_so_once_the_work_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        message = main_screen(app).status.message
        assert message.startswith("doit-prod: DoiT account 'doit-prod': API key rejected (401)")


async def test_refresh_all_ends_with_one_sentence_of_counts_and_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = standard_service().install(monkeypatch)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_screen(app)
        # One invoice changes upstream, one is new.
        fake.results[ACME.name] = snapshot(
            ACME,
            [
                invoice(ACME.name, "palette", n, total="7.00" if n == 2 else "100.00")
                for n in range(1, 7)
            ],
        )
        gate = fake.gates[HPC.name] = asyncio.Event()
        await pilot.press("R")
        await settle_except(pilot, gate)
        assert main.status.message == "Refreshing all 4 accounts…"  # hpc-centre still loads
        gate.set()
        await settle(pilot)
        assert main.status.message == (
            "Refreshed 4 accounts: 9 invoices, 2 changed; 1 failed: doit-prod"
        )


async def settle_except(pilot: Any, gate: asyncio.Event) -> None:
    """Let everything but the gated load finish."""
    for _ in range(20):
        await pilot.pause()
    assert not gate.is_set()


async def test_a_failed_detail_names_the_key_that_retries_that_detail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not "(r retries)": r refetches the account. L fetches this invoice's details
    again, beside the table and full screen; F stays the accounts' retry."""
    from invoicetui.core.errors import NetworkError
    from invoicetui.tui.screens.detail import DetailScreen

    fake = FakeService().install(monkeypatch)
    summaries = [invoice(ACME.name, "palette", n, detailed=False) for n in (1, 2)]
    fake.results[ACME.name] = snapshot(ACME, summaries)
    fake.details[summaries[0].id] = NetworkError("connection refused")
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        main = main_screen(app)
        pane = str(main.detail.query_one("#detail-notice").render())
        assert "connection refused (L retries the details)" in pane
        assert "r retries" not in pane
        fake.calls.clear()
        fake.detail_calls.clear()
        del fake.details[summaries[0].id]  # the provider answers now
        await pilot.press("L")
        assert main.status.message == "Loading the details of invoice N001…"
        await settle(pilot)
        assert fake.detail_calls == [summaries[0].id]
        assert fake.calls == []  # no account was fetched again
        shown = main.detail.invoice
        assert shown is not None and shown.detailed
        assert shown.line_items[0].description == "fetched item"
        assert "retries" not in str(main.detail.query_one("#detail-notice").render())
        await pilot.press("F")
        assert main.status.message == "No failed accounts to retry"

    # Full screen (narrow terminal): the same key, in the detail screen.
    fake.details[summaries[0].id] = NetworkError("connection refused")
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        notice = str(screen.pane.query_one("#detail-notice").render())
        assert "(L retries the details)" in notice
        del fake.details[summaries[0].id]
        fake.detail_calls.clear()
        await pilot.press("L")
        await settle(pilot)
        assert fake.detail_calls == [summaries[0].id]
        assert screen.pane.invoice is not None and screen.pane.invoice.detailed

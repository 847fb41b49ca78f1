"""40 accounts across the four providers: the TUI paints all from the cache at once, and
fetches them through the fetch thread at most FETCH_SLOTS at a time."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from tui_fakes import NOW, SIZE, invoice, main_screen, make_app, settle

from invoicetui.cache import Cache
from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import FetchMode
from invoicetui.core.model import AccountSnapshot
from invoicetui.service import loading
from invoicetui.service.background import fetch_loop

PROVIDERS = ("palette", "waldur", "doit", "zilliz")
ACCOUNTS = [
    AccountConfig(name=f"acct-{i:02d}", provider=PROVIDERS[i % 4], token="t") for i in range(40)
]


class _Client:
    """The stand-in client: the fetch is patched; the cursor's detail is the summary itself."""

    def __init__(self, account: AccountConfig) -> None:
        self.account = account

    async def fetch_invoice(self, summary: Any) -> Any:
        return replace(summary, detailed=True)

    async def aclose(self) -> None:
        return None

    async def __aenter__(self) -> _Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


async def test_forty_accounts_paint_from_the_cache_at_once_and_fetch_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(tmp_path / "cache")
    for account in ACCOUNTS:
        rows = [replace(invoice(account.name, account.provider, n), detailed=False) for n in (1, 2)]
        cache.save(AccountSnapshot(account.name, account.provider, tuple(rows), NOW))
    lock = threading.Lock()
    in_flight = peak = fetched = 0
    full = threading.Event()
    release = asyncio.Event()  # waited on (so bound) in the fetch thread's loop

    async def open_client(account: AccountConfig, **kwargs: Any) -> _Client:
        return _Client(account)

    async def fetch(client: Any, account: AccountConfig, *args: Any, **kwargs: Any) -> Any:
        nonlocal in_flight, peak, fetched
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
            if in_flight == loading.FETCH_SLOTS:
                full.set()
        await release.wait()
        with lock:
            in_flight -= 1
            fetched += 1
        rows = [invoice(account.name, account.provider, n, detailed=False) for n in (1, 2, 3)]
        return AccountSnapshot(account.name, account.provider, tuple(rows), NOW)

    monkeypatch.setattr(loading, "_open_client", open_client)
    monkeypatch.setattr(loading, "_fetch", fetch)
    app = make_app(tmp_path, accounts=ACCOUNTS, mode=FetchMode.REFRESH)
    async with app.run_test(size=SIZE) as pilot:
        main = main_screen(app)
        assert await asyncio.to_thread(full.wait, 30)  # eight fetches under way...
        for _ in range(200):  # (the cached rows' one rebuild, bounded)
            if main.table.total_count == 80 and not main.rows_pending:
                break
            await pilot.pause(0.01)
        assert main.table.total_count == 80  # ...and every account's cached rows on screen
        assert all(s.phase == "loading" for s in main.states.values())
        assert fetched == 0 and peak == loading.FETCH_SLOTS
        fetch_loop().call_soon_threadsafe(release.set)
        await settle(pilot)
        assert fetched == 40 and peak == loading.FETCH_SLOTS  # never more at once
        assert main.table.total_count == 120
        assert {s.phase for s in main.states.values()} == {"ok"}

"""The TUI's fetches run on one loop in a thread: results, errors, cancellation, fetch slots."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import FetchMode
from invoicetui.core.errors import AuthError
from invoicetui.core.model import AccountSnapshot, utcnow
from invoicetui.service import loading as service
from invoicetui.service.background import fetch_loop, run_in_fetch_loop


async def test_the_coroutine_runs_in_the_fetch_thread_and_its_result_comes_back() -> None:
    async def where() -> tuple[str, asyncio.AbstractEventLoop]:
        return threading.current_thread().name, asyncio.get_running_loop()

    name, loop = await run_in_fetch_loop(where())
    assert name == "invoicetui-fetch" and loop is fetch_loop()
    assert loop is not asyncio.get_running_loop()
    assert await run_in_fetch_loop(where()) == (name, loop)  # the same loop every time


async def test_an_error_in_the_fetch_thread_reaches_the_caller_as_it_was() -> None:
    async def fail() -> None:
        raise AuthError("API key rejected", status_code=401)

    with pytest.raises(AuthError, match="API key rejected"):
        await run_in_fetch_loop(fail())


async def test_cancelling_the_caller_cancels_the_fetch_and_waits_for_its_cleanup() -> None:
    started, cleaned = threading.Event(), threading.Event()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.Event().wait()  # never set: only cancellation ends it
        finally:
            await asyncio.sleep(0)  # cleanup that itself awaits (closing a client)
            cleaned.set()

    task = asyncio.create_task(run_in_fetch_loop(forever()))
    await asyncio.to_thread(started.wait, 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned.is_set()  # done before the caller heard of the cancellation


class _Client:
    async def __aenter__(self) -> _Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


async def test_background_fetches_share_the_fetch_slots(monkeypatch: pytest.MonkeyPatch) -> None:
    lock = threading.Lock()
    in_flight = peak = 0
    full = threading.Event()
    release = asyncio.Event()  # bound to the fetch loop on its first wait there

    async def open_client(account: AccountConfig, **kwargs: Any) -> _Client:
        return _Client()

    async def fetch(client: Any, account: AccountConfig, cache: Any, **kwargs: Any) -> Any:
        nonlocal in_flight, peak
        assert threading.current_thread().name == "invoicetui-fetch"
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
            if in_flight == service.FETCH_SLOTS:
                full.set()
        await release.wait()
        with lock:
            in_flight -= 1
        return AccountSnapshot(account.name, account.provider, [], fetched_at=utcnow())

    monkeypatch.setattr(service, "_open_client", open_client)
    monkeypatch.setattr(service, "_fetch", fetch)
    accounts = [
        AccountConfig(
            name=f"a{i:02d}", provider=("palette", "waldur", "doit", "zilliz")[i % 4], token="t"
        )
        for i in range(40)
    ]
    tasks = [
        asyncio.create_task(
            service.load_account(account, None, FetchMode.REFRESH, background=True)
        )
        for account in accounts
    ]
    assert await asyncio.to_thread(full.wait, 10)
    fetch_loop().call_soon_threadsafe(release.set)
    results = await asyncio.gather(*tasks)
    assert peak == service.FETCH_SLOTS  # all 40 on one loop, so one semaphore bounds them
    assert [r.account for r in results] == [a.name for a in accounts]

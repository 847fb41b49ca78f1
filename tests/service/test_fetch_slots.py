"""A config of 40 accounts fetches with bounded concurrency; every cached account still paints."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import FetchMode
from invoicetui.core.model import AccountSnapshot, utcnow
from invoicetui.service import loading as service


class _Client:
    async def __aenter__(self) -> _Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


async def test_forty_accounts_fetch_at_most_fetch_slots_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    in_flight = 0
    peak = 0
    release = asyncio.Event()

    async def open_client(account: AccountConfig, **kwargs: Any) -> _Client:
        return _Client()

    async def fetch(client: Any, account: AccountConfig, cache: Any, **kwargs: Any) -> Any:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await release.wait()
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
        asyncio.create_task(service.load_account(a, None, FetchMode.REFRESH)) for a in accounts
    ]
    for _ in range(50):  # let every task reach the semaphore or the gate
        await asyncio.sleep(0)
    assert in_flight == service.FETCH_SLOTS
    release.set()
    results = await asyncio.gather(*tasks)
    assert peak == service.FETCH_SLOTS
    assert [r.account for r in results] == [a.name for a in accounts]

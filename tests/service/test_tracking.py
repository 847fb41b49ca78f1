"""Every successful refresh persists what changed against the previous cached snapshot."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from insight_factory import make

from invoicetui.cache import Cache
from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import FetchMode
from invoicetui.core.errors import ServerError
from invoicetui.core.model import Invoice, Status
from invoicetui.providers.base import ProviderClient
from invoicetui.service import loading
from invoicetui.service.tracking import compare

T0 = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
ACCOUNT = AccountConfig(name="acme", provider="doit", token="t", cache_ttl=900)


class Served:
    invoices: list[Invoice]
    fail: bool = False


class Fake(ProviderClient):
    provider = "doit"
    default_base_url = "http://127.0.0.1:9"
    served = Served()

    def auth_headers(self) -> dict[str, str]:
        return {}

    async def list_invoices(self) -> list[Invoice]:
        if self.served.fail:
            raise ServerError("down")
        return [replace(i, detailed=False) for i in self.served.invoices]

    async def fetch_invoice(self, summary: Invoice) -> Invoice:
        return next(i for i in self.served.invoices if i.id == summary.id)

    async def check(self) -> None:
        return None


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Served:
    served = Served()
    served.invoices = [make("a", status=Status.OPEN, amount_due="100"), make("b")]
    monkeypatch.setattr(Fake, "served", served)
    monkeypatch.setattr(loading, "make_client", lambda acc, tok, **kw: Fake(acc, tok, **kw))
    return served


async def refresh(cache: Cache, at: datetime, mode: FetchMode = FetchMode.REFRESH) -> Any:
    return await loading.load_account(ACCOUNT, cache, mode, wallclock=lambda: at)


async def test_refreshes_persist_the_difference(tmp_path: Path, served: Served) -> None:
    cache = Cache(tmp_path)
    await refresh(cache, T0)
    first = cache.load_changes("acme")
    assert first is not None and first.since is None and not first.changes  # nothing before
    served.invoices = [make("a", status=Status.PAID, amount_due="0"), make("c")]
    later = T0 + timedelta(hours=2)
    await refresh(cache, later)
    saved = Cache(tmp_path).load_changes("acme")  # as after a restart
    assert saved is not None and (saved.at, saved.since) == (later, T0)
    assert [(o.status, n.status) for o, n in saved.changes.status_changed] == [
        (Status.OPEN, Status.PAID)
    ]
    assert [b.id for b in saved.changes.new] == ["c"]
    assert [b.id for b in saved.changes.gone] == ["b"]


async def test_no_refresh_no_new_changes(tmp_path: Path, served: Served) -> None:
    cache = Cache(tmp_path)
    await refresh(cache, T0)
    served.invoices = [make("a", status=Status.PAID)]
    await refresh(cache, T0 + timedelta(minutes=5), FetchMode.AUTO)  # fresh: from the cache
    served.fail = True
    await refresh(cache, T0 + timedelta(hours=1))  # failed: keeps the old data and changes
    saved = cache.load_changes("acme")
    assert saved is not None and saved.at == T0 and not saved.changes


def test_bare_summaries_are_not_changes() -> None:
    bare = Invoice("acme", "palette", "p1", detailed=False)
    full = make("p1", account="acme", provider="palette", status=Status.PAID)
    assert not compare([bare], [full])
    assert not compare([full], [bare])
    assert [b.id for b in compare([], [bare]).new] == ["p1"]

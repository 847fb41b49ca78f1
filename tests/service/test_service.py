"""The service: cache or network per mode and TTL, failures keeping old data, details reuse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from invoicetui.cache import Cache
from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import FetchMode
from invoicetui.core.errors import AuthError, NotFound, OfflineNoData, ProviderError, ServerError
from invoicetui.core.model import AccountSnapshot, Invoice, LineItem, Status, invoice_to_cache_json
from invoicetui.demo.data import DEMO_NOW
from invoicetui.demo.server import DemoServer, Fault, demo_accounts
from invoicetui.providers.base import ProviderClient
from invoicetui.providers.limits import FakeClock
from invoicetui.service import loading as service

T0 = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
TOKEN = "s3cr3t-token-do-not-store-9f8e7d"
ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------- a fake provider


@dataclass
class Backend:
    """What the fake provider serves and what it was asked."""

    invoices: list[Invoice] = field(default_factory=list)
    list_calls: int = 0
    detail_calls: list[str] = field(default_factory=list)
    fail_list: ProviderError | None = None
    fail_details: dict[str, ProviderError] = field(default_factory=dict)
    clients: int = 0
    pages: list[int] = field(default_factory=list)

    def summaries(self) -> list[Invoice]:
        return [
            replace(i, line_items=(), payments=(), raw=None, detailed=False) for i in self.invoices
        ]


class FakeClient(ProviderClient):
    provider = "doit"
    default_base_url = "http://127.0.0.1:9"

    def __init__(self, account: AccountConfig, token: str, backend: Backend, **kw: Any) -> None:
        super().__init__(account, token, **kw)
        self.backend = backend
        backend.clients += 1

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    async def list_invoices(self) -> list[Invoice]:
        self.backend.list_calls += 1
        if self.backend.fail_list is not None:
            raise self.backend.fail_list
        summaries = self.backend.summaries()
        self.page_arrived(summaries)
        self.progress(1, 1)
        return summaries

    async def fetch_invoice(self, summary: Invoice) -> Invoice:
        self.backend.detail_calls.append(summary.id)
        if summary.id in self.backend.fail_details:
            raise self.backend.fail_details[summary.id]
        (full,) = [i for i in self.backend.invoices if i.id == summary.id]
        return full

    async def check(self) -> None:
        if self.backend.fail_list is not None:
            raise self.backend.fail_list


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> Backend:
    b = Backend(invoices=[invoice(i) for i in range(4)])

    def make(account: AccountConfig, token: str, **kw: Any) -> ProviderClient:
        assert token == TOKEN
        return FakeClient(account, token, b, **kw)

    monkeypatch.setattr(service, "make_client", make)
    return b


def invoice(i: int, status: Status = Status.PAID, total: str = "10.00") -> Invoice:
    return Invoice(
        account="acct",
        provider="doit",
        id=f"inv-{i}",
        number=f"N{i}",
        status=status,
        status_raw=status.value.upper(),
        issued=datetime(2026, 10, 1, tzinfo=UTC).date(),
        currency="USD",
        total=Decimal(total),
        line_items=(LineItem(f"item of {i}", amount=Decimal(total)),),
        raw={"id": i},
    )


ACCOUNT = AccountConfig(name="acct", provider="doit", token=TOKEN, cache_ttl=900)


class Clock:
    """A settable wall clock."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def cache(tmp_path: Path, warnings: list[str]) -> Cache:
    return Cache(tmp_path / "cache", warn=warnings.append)


@pytest.fixture
def warnings() -> list[str]:
    return []


async def load(
    cache: Cache | None,
    mode: FetchMode = FetchMode.AUTO,
    clock: Callable[[], datetime] = lambda: T0,
    account: AccountConfig = ACCOUNT,
    **kw: Any,
) -> AccountSnapshot:
    return await service.load_account(account, cache, mode, wallclock=clock, **kw)


# ---------------------------------------------------------------------- freshness


def test_is_fresh_boundaries() -> None:
    snap = AccountSnapshot("a", "doit", (), T0)
    assert service.is_fresh(snap, 900, T0)
    assert service.is_fresh(snap, 900, T0 + timedelta(seconds=899))
    assert not service.is_fresh(snap, 900, T0 + timedelta(seconds=900))
    assert not service.is_fresh(snap, 900, T0 - timedelta(seconds=1))  # from the future
    assert not service.is_fresh(snap, 0, T0)
    assert not service.is_fresh(AccountSnapshot("a", "doit", (), None), 900, T0)


async def test_first_load_fetches_everything_and_caches_it(cache: Cache, backend: Backend) -> None:
    pages: list[int] = []
    snap = await load(cache, on_page=lambda invoices: pages.append(len(invoices)))
    assert snap.invoices == tuple(backend.invoices)
    assert snap.fetched_at == T0 and not snap.from_cache and not snap.stale and not snap.error
    assert backend.list_calls == 1 and sorted(backend.detail_calls) == [
        f"inv-{i}" for i in range(4)
    ]
    assert pages == [4]
    cached = cache.load("acct", details=True)
    assert cached is not None and cached.invoices == snap.invoices and cached.fetched_at == T0
    _no_token_under(cache.directory, [TOKEN, f"Bearer {TOKEN}"], cache)


async def test_fresh_cache_is_served_without_the_network(cache: Cache, backend: Backend) -> None:
    await load(cache)
    clock = Clock(T0 + timedelta(minutes=14))
    snap = await load(cache, clock=clock)
    assert backend.clients == 1  # no second client, no request
    assert snap.from_cache and not snap.stale and snap.fetched_at == T0
    assert snap.invoices == tuple(backend.invoices)  # with details
    summaries = await load(cache, clock=clock, with_details=False)
    assert [i.id for i in summaries.invoices] == [i.id for i in backend.invoices]
    assert backend.clients == 1


async def test_stale_cache_is_refetched_reusing_final_unchanged_details(
    cache: Cache, backend: Backend
) -> None:
    backend.invoices[1] = invoice(1, Status.OPEN)
    await load(cache)
    backend.detail_calls.clear()
    backend.invoices[2] = invoice(2, total="99.00")  # changed summary
    backend.invoices.append(invoice(7))  # new invoice
    later = Clock(T0 + timedelta(minutes=16))
    snap = await load(cache, clock=later)
    assert backend.list_calls == 2
    # inv-0 and inv-3: paid and unchanged, details reused; inv-1 open; inv-2 changed; inv-7 new
    assert sorted(backend.detail_calls) == ["inv-1", "inv-2", "inv-7"]
    assert snap.invoices == tuple(backend.invoices)
    assert snap.fetched_at == later.now and not snap.from_cache
    cached = cache.load("acct", details=True)
    assert cached is not None and cached.invoices == tuple(backend.invoices)


async def test_refresh_always_fetches(cache: Cache, backend: Backend) -> None:
    await load(cache)
    snap = await load(cache, FetchMode.REFRESH)
    assert backend.list_calls == 2 and not snap.from_cache


async def test_offline_without_cache_fails_clearly(cache: Cache, backend: Backend) -> None:
    with pytest.raises(OfflineNoData) as caught:
        await load(cache, FetchMode.OFFLINE)
    assert str(caught.value) == "no cached data for account 'acct'; run without --offline"
    assert backend.clients == 0
    with pytest.raises(OfflineNoData):
        await load(None, FetchMode.OFFLINE)


async def test_offline_serves_old_cache_marked_stale(cache: Cache, backend: Backend) -> None:
    await load(cache)
    snap = await load(cache, FetchMode.OFFLINE, clock=Clock(T0 + timedelta(hours=3)))
    assert backend.clients == 1
    assert snap.from_cache and snap.stale and snap.fetched_at == T0
    assert snap.invoices == tuple(backend.invoices)
    fresh = await load(cache, FetchMode.OFFLINE, clock=Clock(T0 + timedelta(minutes=1)))
    assert not fresh.stale


async def test_offline_says_which_details_are_not_cached(cache: Cache, backend: Backend) -> None:
    await load(cache, with_details=False)
    snap = await load(cache, FetchMode.OFFLINE, clock=Clock(T0 + timedelta(minutes=1)))
    assert backend.clients == 1 and snap.invoices == tuple(backend.summaries())
    assert snap.error == "details of 4 of 4 invoices are not cached; run without --offline"
    summaries = await load(cache, FetchMode.OFFLINE, with_details=False)
    assert summaries.error is None


async def test_failed_refresh_keeps_old_data(cache: Cache, backend: Backend) -> None:
    await load(cache)
    old = cache.load("acct", details=True)
    backend.fail_list = ServerError("server error", status_code=503)
    snap = await load(cache, FetchMode.REFRESH, clock=Clock(T0 + timedelta(hours=1)))
    assert snap.stale and snap.from_cache and snap.fetched_at == T0
    assert snap.error == "DoiT account 'acct': server error (503)"
    assert snap.invoices == tuple(backend.invoices)
    assert cache.load("acct", details=True) == old  # nothing destroyed


async def test_failed_fetch_without_cache_raises_naming_the_account(
    cache: Cache, backend: Backend
) -> None:
    backend.fail_list = AuthError("API key rejected", status_code=401)
    with pytest.raises(AuthError) as caught:
        await load(cache)
    assert caught.value.account == "acct" and caught.value.provider == "doit"
    assert cache.load("acct") is None


async def test_one_failed_detail_does_not_lose_the_others(cache: Cache, backend: Backend) -> None:
    backend.fail_details["inv-2"] = NotFound("not found", status_code=404, account="acct")
    snap = await load(cache)
    assert snap.error and "1 of 4" in snap.error and not snap.stale
    assert snap.invoices[2] == backend.summaries()[2]
    assert [i.detailed for i in snap.invoices] == [True, True, False, True]
    # the missing details are fetched on the next load, even from a fresh cache
    backend.fail_details.clear()
    backend.detail_calls.clear()
    again = await load(cache, clock=Clock(T0 + timedelta(minutes=1)))
    assert backend.detail_calls == ["inv-2"] and backend.list_calls == 1
    assert again.invoices == tuple(backend.invoices) and not again.error
    assert cache.load_invoice("acct", "inv-2") == backend.invoices[2]


async def test_summaries_only_fetch_no_details(cache: Cache, backend: Backend) -> None:
    snap = await load(cache, with_details=False)
    assert backend.detail_calls == []
    assert snap.invoices == tuple(backend.summaries())


async def test_cache_of_another_provider_is_ignored(cache: Cache, backend: Backend) -> None:
    cache.save(AccountSnapshot("acct", "zilliz", (replace(invoice(9), provider="zilliz"),), T0))
    snap = await load(cache)
    assert backend.list_calls == 1 and snap.invoices == tuple(backend.invoices)
    with pytest.raises(OfflineNoData):
        await load(None, FetchMode.OFFLINE)


async def test_an_unwritable_cache_warns_and_still_returns_data(
    tmp_path: Path, backend: Backend
) -> None:
    (tmp_path / "blocker").write_text("a file where the cache directory should be")
    warnings: list[str] = []
    cache = Cache(tmp_path / "blocker" / "cache", warn=warnings.append)
    snap = await load(cache)
    assert snap.invoices == tuple(backend.invoices)
    assert len(warnings) == 1 and "'acct'" in warnings[0]


async def test_a_corrupt_cache_is_refetched(
    cache: Cache, backend: Backend, warnings: list[str]
) -> None:
    await load(cache)
    cache.path_for("acct").write_bytes(b"\x00garbage" * 500)
    snap = await load(cache, clock=Clock(T0 + timedelta(minutes=1)))
    assert backend.list_calls == 2 and snap.invoices == tuple(backend.invoices)
    assert len(warnings) == 1 and "'acct'" in warnings[0]
    assert cache.load("acct") is not None


# ---------------------------------------------------------------------- read_cached


async def test_read_cached_marks_staleness(cache: Cache, backend: Backend) -> None:
    assert service.read_cached(ACCOUNT, cache, now=T0) is None
    await load(cache)
    fresh = service.read_cached(ACCOUNT, cache, now=T0 + timedelta(minutes=5))
    assert fresh is not None and not fresh.stale and fresh.from_cache
    assert all(not i.detailed for i in fresh.invoices)
    stale = service.read_cached(ACCOUNT, cache, now=T0 + timedelta(minutes=20))
    assert stale is not None and stale.stale


# ---------------------------------------------------------------------- one invoice


async def test_invoice_details_from_cache_then_network(cache: Cache, backend: Backend) -> None:
    await load(cache, with_details=False)
    summary = backend.summaries()[1]
    with pytest.raises(OfflineNoData):
        await service.load_invoice_detail(ACCOUNT, cache, summary, offline=True)
    full = await service.load_invoice_detail(ACCOUNT, cache, summary)
    assert full == backend.invoices[1] and backend.detail_calls == ["inv-1"]
    again = await service.load_invoice_detail(ACCOUNT, cache, summary, offline=True)
    assert again == full and backend.detail_calls == ["inv-1"]
    assert await service.load_invoice_detail(ACCOUNT, None, full) is full  # already detailed


async def test_invoice_detail_failure_names_the_account(backend: Backend) -> None:
    backend.fail_details["inv-1"] = NotFound("not found", status_code=404)
    with pytest.raises(NotFound) as caught:
        await service.load_invoice_detail(ACCOUNT, None, backend.summaries()[1])
    assert caught.value.account == "acct"


async def test_check_account(backend: Backend) -> None:
    await service.check_account(ACCOUNT)
    backend.fail_list = AuthError("API key rejected", status_code=401)
    with pytest.raises(AuthError) as caught:
        await service.check_account(ACCOUNT)
    assert "acct" in str(caught.value)
    with pytest.raises(AuthError):
        await service.check_account(replace(ACCOUNT, token=None, token_env="NO_SUCH_VAR_X"))


# ---------------------------------------------------------------------- real demo server


def _no_token_under(directory: Path, tokens: Sequence[str], cache: Cache) -> None:
    """Neither the raw bytes of any file nor any decoded invoice holds a token."""
    needles = [t.encode() for t in tokens if t]
    for path in directory.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for needle in needles:
                assert needle not in data, f"token bytes in {path}"
    for entry in cache.info():
        snap = cache.load(entry.name, details=True)
        assert snap is not None
        text = json.dumps([invoice_to_cache_json(i) for i in snap.invoices], default=str)
        for token in tokens:
            assert token not in text


async def test_demo_accounts_round_trip_through_the_cache_without_tokens(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    accounts = fast_accounts(demo_server)
    cache = Cache(tmp_path / "cache")
    fetched = {}
    for acc in accounts:
        snap = await service.load_account(
            acc, cache, FetchMode.REFRESH, wallclock=lambda: DEMO_NOW, clock=FakeClock()
        )
        assert snap.invoices and not snap.error, (acc.name, snap.error)
        fetched[acc.name] = snap
    _no_token_under(cache.directory, [a.token or "" for a in accounts], cache)
    for acc in accounts:
        offline = await service.load_account(
            acc, cache, FetchMode.OFFLINE, wallclock=lambda: DEMO_NOW
        )
        assert offline.invoices == fetched[acc.name].invoices, acc.name
        assert offline.fetched_at == DEMO_NOW


async def test_demo_failed_refresh_keeps_the_cached_data(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    acc = next(a for a in fast_accounts(demo_server) if a.provider == "zilliz")
    cache = Cache(tmp_path / "cache")
    first = await service.load_account(acc, cache, wallclock=lambda: DEMO_NOW, clock=FakeClock())
    demo_server.add_fault(Fault("503", provider="zilliz"))
    later = DEMO_NOW + timedelta(hours=2)
    snap = await service.load_account(acc, cache, wallclock=lambda: later, clock=FakeClock())
    assert snap.stale and snap.error and acc.name in snap.error
    assert snap.invoices == first.invoices and snap.fetched_at == DEMO_NOW
    demo_server.clear_faults()
    demo_server.add_fault(Fault("wrong_token", provider="zilliz"))
    snap = await service.load_account(acc, cache, FetchMode.REFRESH, wallclock=lambda: later)
    assert snap.stale and snap.error and snap.invoices == first.invoices


def test_two_processes_exporting_into_one_cache(demo_server: DemoServer, tmp_path: Path) -> None:
    """Two processes refresh every demo account into the same cache at once."""
    accounts = fast_accounts(demo_server)
    spec = tmp_path / "accounts.json"
    spec.write_text(json.dumps([_account_json(a) for a in accounts]))
    directory = tmp_path / "cache"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    script = Path(__file__).parents[1] / "cache_writer.py"
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(directory), "-", "service", str(spec), "3"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=240) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err.decode()
        assert out.split() == [b"ok"] * len(accounts)
    cache = Cache(directory)
    assert {i.name for i in cache.info()} == {a.name for a in accounts}
    for acc in accounts:
        snap = cache.load(acc.name, details=True)
        assert (
            snap is not None and snap.invoices and all(i.account == acc.name for i in snap.invoices)
        )
    _no_token_under(directory, [a.token or "" for a in accounts], cache)


def fast_accounts(server: DemoServer) -> list[AccountConfig]:
    """Every demo account, with the server's rate limits off (speed is benchmarked elsewhere)."""
    for provider in server.providers:
        server.set_limit(provider, None)
    return [replace(a, max_rps=1000.0) for a in demo_accounts(server)]


def _account_json(account: AccountConfig) -> dict[str, Any]:
    data = asdict(account)
    data["invoice_uids"] = list(account.invoice_uids)
    return data


async def test_detail_clients_keep_one_client_per_account(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []
    make = service.make_client

    def counting(account: AccountConfig, token: str, **kw: Any) -> ProviderClient:
        made.append(account.name)
        return make(account, token, **kw)

    monkeypatch.setattr(service, "make_client", counting)
    clients = service.DetailClients()
    summaries = backend.summaries()
    first = await service.load_invoice_detail(ACCOUNT, None, summaries[1], clients=clients)
    second = await service.load_invoice_detail(ACCOUNT, None, summaries[2], clients=clients)
    assert (first, second) == (backend.invoices[1], backend.invoices[2])
    assert made == ["acct"]  # one client (one connection pool, one TLS context) for both
    backend.fail_details["inv-3"] = NotFound("not found", status_code=404)
    with pytest.raises(NotFound):
        await service.load_invoice_detail(ACCOUNT, None, summaries[3], clients=clients)
    await service.load_invoice_detail(ACCOUNT, None, summaries[0], clients=clients)
    assert made == ["acct", "acct"]  # an error drops the client: the next one starts afresh
    await clients.aclose()


def test_service_import_leaves_httpx_for_the_first_fetch() -> None:
    code = "import sys, invoicetui.service.loading; print('httpx' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"  # an offline start paints without importing it

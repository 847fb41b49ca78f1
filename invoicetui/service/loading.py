"""Getting one account's invoices: from the cache when fresh, else from the provider.

The one place that decides between cache and network (CONTRACT.md, "Export and the cache"),
shared by export and the TUI so both behave the same. No Textual here. Cache work and token
commands run in worker threads (asyncio.to_thread): a 100k-invoice save or load takes
seconds, and the TUI's event loop must keep painting meanwhile. The Cache is thread-safe.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from invoicetui.cache import Cache, fingerprint
from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import FetchMode
from invoicetui.config.tokens import resolve_token
from invoicetui.core.errors import CacheError, OfflineNoData, ProviderError
from invoicetui.core.model import AccountSnapshot, Invoice, utcnow
from invoicetui.service.background import run_in_fetch_loop
from invoicetui.service.bounds import account_deadline
from invoicetui.service.cached import FINAL as FINAL
from invoicetui.service.cached import cached as _cached
from invoicetui.service.cached import cached_at, cached_details, load_cached
from invoicetui.service.cached import is_fresh as is_fresh
from invoicetui.service.cached import offline_error as offline_error
from invoicetui.service.slots import FETCH_SLOTS as FETCH_SLOTS
from invoicetui.service.slots import fetch_slots

if TYPE_CHECKING:  # httpx and the providers load on the first fetch: an offline start needs none
    import httpx

    from invoicetui.providers.base import PageCallback, ProgressCallback, ProviderClient
    from invoicetui.providers.limits import Clock


def read_cached(
    account: AccountConfig, cache: Cache, *, now: datetime | None = None
) -> AccountSnapshot | None:
    """Summaries from the cache for a first paint; stale when older than the account's TTL."""
    snapshot = _cached(account, cache, details=False)
    if snapshot is None:
        return None
    stale = not is_fresh(snapshot, account.cache_ttl, now or utcnow())
    return replace(snapshot, stale=stale)


async def load_account(
    account: AccountConfig,
    cache: Cache | None,
    mode: FetchMode = FetchMode.AUTO,
    *,
    with_details: bool = True,
    on_progress: ProgressCallback | None = None,
    on_page: PageCallback | None = None,
    wallclock: Callable[[], datetime] | None = None,
    http: httpx.AsyncClient | None = None,
    clock: Clock | None = None,
    background: bool = False,
) -> AccountSnapshot:
    """The account's invoices per mode; a failed fetch falls back to cached data, marked stale.

    Raises ProviderError (account attached) only when the fetch failed and nothing is cached,
    and OfflineNoData in OFFLINE mode with nothing cached. `background`: all of it runs on
    the fetch thread's loop (service/background.py; the callbacks are called in that thread,
    and `http`/`clock` must not be tied to the caller's loop): the TUI's keys stay quick.
    """
    if background:
        return await run_in_fetch_loop(
            load_account(
                account, cache, mode, with_details=with_details, on_progress=on_progress,
                on_page=on_page, wallclock=wallclock, http=http, clock=clock,
            )
        )  # fmt: skip
    now_fn = wallclock or utcnow
    # Decide on the fetch time alone: decoding 100k cached details only to throw them away
    # after a successful fetch would cost seconds.
    fetched_at = await asyncio.to_thread(cached_at, account, cache)
    if mode is FetchMode.OFFLINE:
        cached = await load_cached(account, cache, with_details) if fetched_at else None
        if cached is None:
            raise offline_error(account)
        uncached = sum(1 for inv in cached.invoices if not inv.detailed) if with_details else 0
        error = (
            f"details of {uncached} of {len(cached.invoices)} invoices are not cached; "
            "run without --offline"
            if uncached
            else None
        )
        stale = not is_fresh(cached, account.cache_ttl, now_fn())
        return replace(cached, stale=stale, error=error)
    if mode is FetchMode.AUTO and fetched_at is not None:
        cached = await load_cached(account, cache, with_details)
        if cached is not None and is_fresh(cached, account.cache_ttl, now_fn()):
            missing = [inv for inv in cached.invoices if not inv.detailed] if with_details else []
            if not missing:
                return cached
            async with fetch_slots():
                return await _complete_details(
                    account, cache, cached, missing, now_fn, http=http, clock=clock
                )
    try:
        async with fetch_slots():
            client = await _open_client(
                account,
                http=http,
                clock=clock,
                on_progress=on_progress,
                on_page=on_page,
                wallclock=now_fn,
            )
            async with client, account_deadline(account):
                return await _fetch(
                    client, account, cache, with_details=with_details, now_fn=now_fn
                )
    except ProviderError as exc:
        exc.with_account(account.provider, account.name)
        cached = await load_cached(account, cache, with_details) if fetched_at else None
        if cached is None:
            raise
        return replace(cached, stale=True, error=str(exc))


class DetailClients:
    """One provider client per account, kept for on-demand detail fetches (the TUI's cursor).

    A client per invoice would build a connection pool and a TLS context (~50 ms) each time
    the cursor rests on an invoice. Use from one event loop; aclose() when done.
    """

    def __init__(self) -> None:
        self._clients: dict[str, ProviderClient] = {}

    async def get(self, account: AccountConfig) -> ProviderClient:
        client = self._clients.get(account.name)
        if client is not None and client.account is account:
            return client
        fresh = await _open_client(account)
        client = self._clients.get(account.name)  # another fetch opened one meanwhile
        if client is not None and client.account is account:
            await fresh.aclose()
            return client
        if client is not None:
            await client.aclose()
        self._clients[account.name] = fresh
        return fresh

    async def drop(self, account: AccountConfig) -> None:
        """Forget an account's client (after an error: the token may have changed)."""
        client = self._clients.pop(account.name, None)
        if client is not None:
            await client.aclose()

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()


async def load_invoice_detail(
    account: AccountConfig,
    cache: Cache | None,
    summary: Invoice,
    *,
    offline: bool = False,
    http: httpx.AsyncClient | None = None,
    clients: DetailClients | None = None,
) -> Invoice:
    """One invoice's details: from the cache, else fetched (and cached).

    `clients`: reuse that account's client (kept open) instead of opening one for this call.
    """
    if summary.detailed:
        return summary
    if cache is not None:
        found = await asyncio.to_thread(cache.load_invoice, account.name, summary.id)
        if found is not None:
            return found
    if offline:
        raise OfflineNoData(
            f"details of invoice {summary.label} are not cached; run without --offline",
            provider=account.provider,
            account=account.name,
        )
    try:
        if clients is not None:
            try:
                async with account_deadline(account):
                    invoice = await (await clients.get(account)).fetch_invoice(summary)
            except ProviderError:
                await clients.drop(account)
                raise
        else:
            async with await _open_client(account, http=http) as client, account_deadline(account):
                invoice = await client.fetch_invoice(summary)
    except ProviderError as exc:
        raise exc.with_account(account.provider, account.name) from None
    if cache is not None:
        await _save(cache, account, cache.save_invoices, account.name, [invoice])
    return invoice


async def check_account(account: AccountConfig, *, http: httpx.AsyncClient | None = None) -> None:
    """Resolve the token and make one cheap authenticated call; raises ProviderError."""
    try:
        async with await _open_client(account, http=http) as client, account_deadline(account):
            await client.check()
    except ProviderError as exc:
        raise exc.with_account(account.provider, account.name) from None


# ---------------------------------------------------------------------- internals


def make_client(account: AccountConfig, token: str, **kwargs: Any) -> ProviderClient:
    """providers.make_client, imported on first use (and httpx with it)."""
    from invoicetui.providers import make_client as make

    return make(account, token, **kwargs)


async def _open_client(account: AccountConfig, **kwargs: Any) -> ProviderClient:
    token = await asyncio.to_thread(resolve_token, account)  # may run token_command
    return make_client(account, token, **kwargs)


async def _fetch(
    client: ProviderClient,
    account: AccountConfig,
    cache: Cache | None,
    *,
    with_details: bool,
    now_fn: Callable[[], datetime],
) -> AccountSnapshot:
    """List, then details not cached (or changed, or not final), then save."""
    started = now_fn()
    summaries = _unique(await client.list_invoices())
    previous = await load_cached(account, cache, False)  # what changed: service/tracking.py
    list_fps = await asyncio.to_thread(lambda: {inv.id: fingerprint(inv) for inv in summaries})
    errors: list[ProviderError] = []
    reused: dict[str, Invoice] = {}
    need: list[Invoice] = []
    fetched: dict[str, Invoice] = {}
    if with_details:
        reused = await cached_details(account, cache, summaries, list_fps)
        need = [inv for inv in summaries if not inv.detailed and inv.id not in reused]
        fetched = await _fetch_details(client, need, errors)
    snapshot = AccountSnapshot(
        account=account.name,
        provider=account.provider,
        invoices=tuple(fetched.get(s.id) or s for s in summaries),
        fetched_at=started,
        error=_details_error(errors, len(need)),
        warnings=tuple(client.warnings),
    )
    if cache is not None:
        # Reused details go in as summaries: the cache keeps them (fingerprint unchanged)
        # without decoding and re-encoding each one.
        await _save(cache, account, cache.save, snapshot, list_fingerprints=list_fps)
    if reused:
        snapshot = replace(snapshot, invoices=tuple(reused.get(i.id, i) for i in snapshot.invoices))
    from invoicetui.service import tracking  # not needed before the first frame

    await tracking.record_changes(cache, account, previous, snapshot)
    return snapshot


async def _complete_details(
    account: AccountConfig,
    cache: Cache | None,
    cached: AccountSnapshot,
    missing: list[Invoice],
    now_fn: Callable[[], datetime],
    *,
    http: httpx.AsyncClient | None,
    clock: Clock | None,
) -> AccountSnapshot:
    """A fresh cached list whose details are partly missing: fetch only those details."""
    errors: list[ProviderError] = []
    try:
        client = await _open_client(account, http=http, clock=clock, wallclock=now_fn)
        async with client, account_deadline(account):
            fetched = await _fetch_details(client, missing, errors)
    except ProviderError as exc:
        exc.with_account(account.provider, account.name)
        return replace(cached, stale=True, error=str(exc))
    if cache is not None and fetched:
        await _save(cache, account, cache.save_invoices, account.name, list(fetched.values()))
    invoices = tuple(fetched.get(inv.id, inv) for inv in cached.invoices)
    return replace(cached, invoices=invoices, error=_details_error(errors, len(missing)))


async def _fetch_details(
    client: ProviderClient, summaries: list[Invoice], errors: list[ProviderError]
) -> dict[str, Invoice]:
    """fetch_invoice for each summary, bounded; one failure does not lose the others."""
    if not summaries:
        return {}

    async def one(summary: Invoice) -> Invoice | None:
        try:
            return await client.fetch_invoice(summary)
        except ProviderError as exc:
            errors.append(exc)
            return None

    results = await client.gather_limited(summaries, one)
    return {s.id: r for s, r in zip(summaries, results, strict=True) if r is not None}


def _unique(invoices: list[Invoice]) -> list[Invoice]:
    """Each invoice id once (the pagers dedupe already; this is the promise kept here too)."""
    seen: set[str] = set()
    out: list[Invoice] = []
    for invoice in invoices:
        if invoice.id and invoice.id in seen:
            continue
        seen.add(invoice.id)
        out.append(invoice)
    return out


def _details_error(errors: list[ProviderError], asked: int) -> str | None:
    if not errors:
        return None
    return f"details of {len(errors)} of {asked} invoices could not be fetched: {errors[0]}"


async def _save(
    cache: Cache, account: AccountConfig, write: Callable[..., None], *args: Any, **kwargs: Any
) -> None:
    """A cache that cannot be written costs the offline copy, never the fetched data."""
    try:
        await asyncio.to_thread(write, *args, **kwargs)
    except CacheError as exc:
        cache.warn(str(exc), account=account.name, kind="write")

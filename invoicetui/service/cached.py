"""The cache side of loading an account: what is cached, how old, which details still hold.

Every read runs in a worker thread (asyncio.to_thread): a 100k-invoice load takes seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import datetime

from invoicetui.cache import Cache
from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import OfflineNoData
from invoicetui.core.model import SETTLED, AccountSnapshot, Invoice

# Details of invoices in these states do not change: cached details are reused as long as the
# list summary is unchanged. Others (open, draft...) are fetched again on every refresh.
FINAL = SETTLED


def is_fresh(snapshot: AccountSnapshot, ttl: float, now: datetime) -> bool:
    """Fetched less than ttl seconds before now (a fetch time in the future is not fresh)."""
    if snapshot.fetched_at is None or ttl <= 0:
        return False
    age = (now - snapshot.fetched_at).total_seconds()
    return 0 <= age < ttl


def offline_error(account: AccountConfig) -> OfflineNoData:
    # The account is named in the message itself (CONTRACT.md wording), not as a prefix.
    return OfflineNoData(
        f"no cached data for account '{account.name}'; run without --offline",
        provider=account.provider,
    )


def cached_at(account: AccountConfig, cache: Cache | None) -> datetime | None:
    """When the account was fetched into the cache (None: never, or from another provider)."""
    if cache is None:
        return None
    stamp = cache.stamp(account.name)
    if stamp is None or stamp[0] != account.provider:
        return None  # the account now points at another provider: its old data is not its
    return stamp[1]


def cached(account: AccountConfig, cache: Cache | None, *, details: bool) -> AccountSnapshot | None:
    if cache is None:
        return None
    snapshot = cache.load(account.name, details=details)
    if snapshot is None or snapshot.provider != account.provider:
        return None  # the account now points at another provider: its old data is not its
    return snapshot


async def load_cached(
    account: AccountConfig, cache: Cache | None, details: bool
) -> AccountSnapshot | None:
    return await asyncio.to_thread(lambda: cached(account, cache, details=details))


async def cached_details(
    account: AccountConfig,
    cache: Cache | None,
    summaries: list[Invoice],
    list_fps: dict[str, str],
) -> dict[str, Invoice]:
    """Cached details still valid for these list summaries: final and unchanged since."""
    if cache is None:
        return {}

    def read() -> dict[str, Invoice]:
        cached_fps = cache.detail_fingerprints(account.name)
        reusable: Collection[str] = {
            inv.id
            for inv in summaries
            if not inv.detailed
            and inv.status in FINAL
            and cached_fps.get(inv.id) == list_fps[inv.id]
        }
        return cache.load_details(account.name, reusable)

    return await asyncio.to_thread(read)

"""How long one account's provider work may take, and what ends it early. No Textual here.

Every attempt is bounded by the account's `timeout` and its retries by the client's budget
(providers/retrying.py); the deadline here bounds all of an account's work at once, for a
provider that answers, slowly, forever. It is around every piece of it: the fetch, `accounts
--check`, a detail fetch (the TUI's cursor and its breakdown), `documents`, PDF downloads.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import (
    AuthError,
    NetworkError,
    PermissionDenied,
    ProviderError,
    RateLimited,
)
from invoicetui.core.model import Invoice

if TYPE_CHECKING:
    from invoicetui.cache import Cache
    from invoicetui.service.loading import DetailClients

# After one of these, the account's other requests would fail the same way: stop asking.
ACCOUNT_WIDE = (AuthError, PermissionDenied, RateLimited, NetworkError)

# The accounts whose deadline is running in this task (and the tasks it starts): a deadline
# inside another of the same account (documents -> load_account) adds none of its own.
_under_deadline: ContextVar[frozenset[str]] = ContextVar("under_deadline", default=frozenset())


def deadline_seconds(account: AccountConfig) -> float:
    """How long one account's work may take in all: an end far beyond any healthy fetch.

    The backstop for a provider that answers, slowly, forever (1M Waldur items take ~6 min).
    """
    return max(900.0, 60.0 * account.timeout)


@asynccontextmanager
async def account_deadline(account: AccountConfig) -> AsyncIterator[None]:
    """Fail the account with a NetworkError once deadline_seconds have passed."""
    running = _under_deadline.get()
    if account.name in running:
        yield
        return
    seconds = deadline_seconds(account)
    scope = asyncio.timeout(seconds)
    mark = _under_deadline.set(running | {account.name})
    try:
        async with scope:
            yield
    except TimeoutError:
        if not scope.expired():
            raise
        raise NetworkError(
            f"did not finish within {seconds:g} s (the account's deadline)",
            provider=account.provider,
            account=account.name,
            hint="the provider kept answering, too slowly; try again later",
        ) from None
    finally:
        _under_deadline.reset(mark)


async def load_details_of(
    account: AccountConfig,
    cache: Cache | None,
    summaries: Sequence[Invoice],
    clients: DetailClients,
    on_loaded: Callable[[Invoice], None],
    *,
    offline: bool = False,
) -> list[str]:
    """Details of many invoices of one account, one at a time, all within its deadline.

    Each arrives through on_loaded; one failing invoice does not stop the others, but after
    an account-wide failure (auth, rate limit, network, the deadline) the rest are not
    asked: a stalled provider costs one failure, not one per invoice. Returns one line per
    invoice not loaded.
    """
    from invoicetui.service.loading import load_invoice_detail

    failed: list[str] = []
    stop: ProviderError | None = None
    done = 0
    try:
        async with account_deadline(account):
            for summary in summaries:
                try:
                    invoice = await load_invoice_detail(
                        account, cache, summary, offline=offline, clients=clients
                    )
                except ProviderError as error:
                    done += 1
                    failed.append(str(error.with_account(account.provider, account.name)))
                    if isinstance(error, ACCOUNT_WIDE):
                        stop = error
                        break
                    continue
                done += 1
                on_loaded(invoice)
    except ProviderError as error:  # the deadline, between or around the calls
        stop = error.with_account(account.provider, account.name)
    if stop is not None:
        failed.extend(f"not asked after: {stop}" for _ in summaries[done:])
    return failed

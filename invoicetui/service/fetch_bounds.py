"""How much fetching may happen at once, and how long one account's fetch may take in all.

Bounds shared by export and the TUI: FETCH_SLOTS accounts talk to providers at a time, and
each account ends by its deadline however its provider behaves (CONTRACT, misbehaving servers).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import NetworkError

# At most this many accounts talk to their providers at once (a 40-account config must not
# open 40 connection pools and burst every provider at the same moment). Cached reads are
# not limited: every account still paints from its cache at once. The TUI runs every fetch
# on one loop (service/background.py), so this bounds all of them together.
FETCH_SLOTS = 8
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def fetch_slots() -> asyncio.Semaphore:
    """This event loop's semaphore of fetch slots (a Semaphore must not cross loops)."""
    loop = asyncio.get_running_loop()
    slots = _slots.get(loop)
    if slots is None:
        slots = _slots[loop] = asyncio.Semaphore(FETCH_SLOTS)
    return slots


def deadline_seconds(account: AccountConfig) -> float:
    """How long one account's fetch may take in all: an end far beyond any healthy fetch.

    Each attempt is bounded by `timeout` and retries by the client's budget; this is the
    backstop for a provider that answers, slowly, forever (1M Waldur items take ~6 min).
    """
    return max(900.0, 60.0 * account.timeout)


@asynccontextmanager
async def account_deadline(account: AccountConfig) -> AsyncIterator[None]:
    """Fail the account with a NetworkError once deadline_seconds have passed."""
    seconds = deadline_seconds(account)
    scope = asyncio.timeout(seconds)
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

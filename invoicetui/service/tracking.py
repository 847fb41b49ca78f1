"""Changes since the last look: on every successful refresh, compare the fetched invoices
with the previous cached snapshot and persist the ChangeSet with its times (Cache.save_changes),
so that the TUI and `invoicetui summary` can say what changed, even after a restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from invoicetui.cache import Cache
from invoicetui.config.accounts import AccountConfig
from invoicetui.core.changeset import ChangeSet
from invoicetui.core.errors import CacheError
from invoicetui.core.model import AccountSnapshot, Invoice, Status
from invoicetui.service.insight.changes import diff


def is_bare(inv: Invoice) -> bool:
    """A summary that knows nothing but its id (Palette's list; a detail fetch that failed)."""
    return (
        not inv.detailed
        and inv.status is Status.UNKNOWN
        and inv.total is None
        and inv.amount_due is None
    )


def compare(previous: Sequence[Invoice], current: Sequence[Invoice]) -> ChangeSet:
    """diff, except that a bare summary on either side is not a change: for an invoice that
    is bare on one side, the other side's version stands in."""
    before = {inv.id: inv for inv in previous}
    after = {inv.id: inv for inv in current}
    old = [after[i.id] if is_bare(i) and i.id in after else i for i in previous]
    new = [before[i.id] if is_bare(i) and i.id in before else i for i in current]
    return diff(old, new)


async def record_changes(
    cache: Cache | None,
    account: AccountConfig,
    previous: AccountSnapshot | None,
    current: AccountSnapshot,
) -> None:
    """Persist the change set of a successful refresh (an empty one, since None, when there
    was nothing to compare with). A cache that cannot be written costs only the changes."""
    if cache is None or current.fetched_at is None:
        return
    if previous is None:
        changes, since = ChangeSet(), None
    else:
        changes = await asyncio.to_thread(compare, previous.invoices, current.invoices)
        since = previous.fetched_at
    try:
        await asyncio.to_thread(
            cache.save_changes, account.name, changes, current.fetched_at, since=since
        )
    except CacheError as exc:
        cache.warn(str(exc), account=account.name, kind="write")

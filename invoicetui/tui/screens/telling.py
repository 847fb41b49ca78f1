"""What the main screen says about its accounts' state, in words: the notice above the table,
the summary's coverage, "Loading…" or "No match" in an empty table, and the data's age.

Plain functions of the store and the clock, so the main screen only puts their words on screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

from invoicetui.core.sanitize import clean_text
from invoicetui.tui.screens.store import InvoiceStore
from invoicetui.tui.widgets.sidebar import AccountState
from invoicetui.tui.widgets.statusbar import ago_text
from invoicetui.tui.widgets.summary import Coverage

KNOWN = frozenset({"ok", "stale", "offline"})  # phases of an account whose data is shown
OLD = frozenset({"stale", "failed", "offline"})  # phases whose rows may be out of date


def notice(
    store: InvoiceStore, scope: str, retry_key: str, visible: int, filtered: bool
) -> tuple[str, bool]:
    """The lines above the table (failures, stale data, why it is empty) and if one failed."""
    states = store.scope_states(scope)
    lines = store.notice_lines(scope, retry_key)
    if visible == 0:
        if filtered:
            pass  # the table itself says "No match" (once)
        elif any(s.phase == "loading" for s in states):
            lines.append("Loading…")
        elif states:
            lines.append("No invoices here")
    return clean_text("\n".join(lines)), any(s.phase == "failed" for s in states)


def coverage(store: InvoiceStore, now: datetime, tz: tzinfo | None) -> Coverage:
    """Accounts whose data the summary stands on, of all, and when the oldest was fetched."""
    states = list(store.states.values())
    known = [s for s in states if s.name in store.invoices or s.phase in KNOWN]
    stale = any(s.phase in OLD for s in known)
    times = [s.fetched_at for s in known if s.fetched_at is not None]
    as_of = None
    if times:
        oldest = min(times).astimezone(tz)
        today = now.astimezone(tz).date()
        as_of = f"{oldest:%H:%M}" if oldest.date() == today else f"{oldest:%Y-%m-%d %H:%M}"
    return Coverage(len(known), len(states), stale, as_of)


def waiting(states: Iterable[AccountState]) -> bool:
    """Until the first account reports: "Loading…", not "Nothing owed." / "No invoices"."""
    listed = list(states)
    return bool(listed) and all(s.phase == "loading" and not s.count for s in listed)


def empty_text(waiting: bool, filter_text: str) -> str:
    """What an empty table says: still loading, no invoices, or no match for the filter."""
    if filter_text:
        shown = clean_text(filter_text, one_line=True)
        return f"No match for “{shown}” · Esc clears the filter"
    return "Loading…" if waiting else "No invoices"


def freshness(states: Iterable[AccountState], now: datetime, tz: tzinfo | None) -> str:
    """ "as of 14:02, 3 h ago" for the oldest data in scope; "" while none was fetched."""
    times = [s.fetched_at for s in states if s.fetched_at is not None]
    return ago_text(min(times), now, tz) if times else ""

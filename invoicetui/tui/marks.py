"""Marks on invoice rows, in the table's cursor column: a flag ("!"), or a change since the last
look ("+" new, "•" changed); computed off the event loop (flags over 100k invoices, change sets
from the cache).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from invoicetui.core.model import Invoice

Key = tuple[str, str]
CHANGE_MARKS = {"new": "+", "status": "•", "amount": "•"}
CHANGE_WORDS = {"new": "new since the last refresh", "status": "status changed",
                "amount": "amount changed"}  # fmt: skip


@dataclass
class Marks:
    """What the mark column shows, per (account, id)."""

    flags: dict[Key, list[Any]] = field(default_factory=dict)  # insight.flags.Flag
    changed: dict[Key, str] = field(default_factory=dict)  # "new" | "status" | "amount"
    since: dict[str, datetime | None] = field(default_factory=dict)  # per account

    def gutter(self, inv: Invoice) -> str:
        """The row's mark: "!" for a flag, else "+" new or "•" changed; "" for none."""
        key = (inv.account, inv.id)
        found = self.flags.get(key)
        if found:
            return str(found[0].mark)
        change = self.changed.get(key)
        return CHANGE_MARKS[change] if change else ""

    def change_sentences(self, inv: Invoice) -> list[str]:
        """What the detail pane says about a change (flags it computes for the shown invoice)."""
        change = self.changed.get((inv.account, inv.id))
        return [f"{CHANGE_MARKS[change]} {CHANGE_WORDS[change]}"] if change else []


def compute_marks(
    invoices: Sequence[Invoice], today: date, cache: Any, accounts: Sequence[str]
) -> Marks:
    """In a worker thread: flags of every invoice, and each account's last change set."""
    from invoicetui.service.insight.flags import flag_all

    marks = Marks(flags=flag_all(invoices, today))
    load = getattr(cache, "load_changes", None)
    if load is None:
        return marks
    for account in accounts:
        saved = load(account)
        if saved is None:
            continue
        changes = saved.changes
        marks.since[account] = saved.since
        for brief in changes.new:
            marks.changed[brief.key] = "new"
        for _, brief in changes.amount_changed:
            marks.changed[brief.key] = "amount"
        for _, brief in changes.status_changed:
            marks.changed[brief.key] = "status"
    return marks

"""The change set between two snapshots of invoices: new, status changed, amount changed, gone.

The data types live in core/changeset.py (the cache persists them); this is the comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from invoicetui.core.changeset import Brief, ChangeSet, Key, SavedChanges
from invoicetui.core.model import Invoice

__all__ = ["Brief", "ChangeSet", "Key", "SavedChanges", "diff"]


def diff(previous: Sequence[Invoice], current: Sequence[Invoice]) -> ChangeSet:
    """Exactly the difference: keys only in current are new, only in previous are gone;
    a key in both is in status_changed when its status differs and in amount_changed when its
    total or amount due differs (an invoice can be in both). Entries are sorted by key."""
    before = {(inv.account, inv.id): inv for inv in previous}
    after = {(inv.account, inv.id): inv for inv in current}
    new: list[Brief] = []
    status: list[tuple[Brief, Brief]] = []
    amount: list[tuple[Brief, Brief]] = []
    for key in sorted(after):
        inv = after[key]
        old = before.get(key)
        if old is None:
            new.append(Brief.of(inv))
            continue
        status_differs = old.status is not inv.status
        amount_differs = not (_same(old.total, inv.total) and _same(old.amount_due, inv.amount_due))
        if status_differs or amount_differs:
            pair = (Brief.of(old), Brief.of(inv))
            if status_differs:
                status.append(pair)
            if amount_differs:
                amount.append(pair)
    gone = [Brief.of(before[key]) for key in sorted(before.keys() - after.keys())]
    return ChangeSet(tuple(new), tuple(status), tuple(amount), tuple(gone))


def _same(a: Decimal | None, b: Decimal | None) -> bool:
    """Equal amounts ("10.0" is "10.00"); None is only equal to None."""
    if a is None or b is None:
        return a is b
    return a == b

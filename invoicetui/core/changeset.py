"""What changed in an account's invoices between two snapshots: the data, and its JSON form.

In core (not service/insight) because the cache persists change sets and the cache sits below
the service layer. `service.insight.changes.diff` computes them; the cache stores the JSON.
A change remembers only what it shows (a Brief), never the whole invoice: a first refresh of
100k invoices must not write 100k full records a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from invoicetui.core.model import Invoice, Status, format_decimal
from invoicetui.core.sanitize import clean_text

Key = tuple[str, str]  # (account, invoice id): how insight figures name their invoices
CHANGES_VERSION = 1


@dataclass(frozen=True, slots=True)
class Brief:
    """The part of one invoice version a change shows: status and money."""

    account: str
    id: str
    label: str
    status: Status
    currency: str | None
    total: Decimal | None
    amount_due: Decimal | None

    @property
    def key(self) -> Key:
        return (self.account, self.id)

    @classmethod
    def of(cls, inv: Invoice) -> Brief:
        return cls(
            inv.account, inv.id, inv.label, inv.status, inv.currency, inv.total, inv.amount_due
        )

    def money(self) -> tuple[Decimal | None, Decimal | None]:
        return (self.total, self.amount_due)


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """New, changed and gone invoices; changed entries are (old, new) pairs, sorted by key."""

    new: tuple[Brief, ...] = ()
    status_changed: tuple[tuple[Brief, Brief], ...] = ()
    amount_changed: tuple[tuple[Brief, Brief], ...] = ()  # total or amount_due differ
    gone: tuple[Brief, ...] = ()
    _keys: frozenset[Key] = field(default=frozenset(), compare=False, repr=False)

    def __post_init__(self) -> None:
        keys = {b.key for b in self.new}
        keys.update(new.key for _old, new in self.status_changed)
        keys.update(new.key for _old, new in self.amount_changed)
        object.__setattr__(self, "_keys", frozenset(keys))

    @property
    def keys(self) -> frozenset[Key]:
        """Invoices present now that are new or changed (the rows the table marks)."""
        return self._keys

    @property
    def gone_keys(self) -> frozenset[Key]:
        return frozenset(b.key for b in self.gone)

    def __bool__(self) -> bool:
        return bool(self.new or self.status_changed or self.amount_changed or self.gone)

    def __len__(self) -> int:
        """Invoices concerned (one invoice with a status and an amount change counts once)."""
        return len(self._keys) + len(self.gone)

    def merged(self, other: ChangeSet) -> ChangeSet:
        """This set and another one of other accounts, as one (keys never overlap)."""
        return ChangeSet(
            new=tuple(sorted((*self.new, *other.new), key=_brief_key)),
            status_changed=tuple(
                sorted((*self.status_changed, *other.status_changed), key=_pair_key)
            ),
            amount_changed=tuple(
                sorted((*self.amount_changed, *other.amount_changed), key=_pair_key)
            ),
            gone=tuple(sorted((*self.gone, *other.gone), key=_brief_key)),
        )


@dataclass(frozen=True, slots=True)
class SavedChanges:
    """A persisted change set: computed at `at` against the snapshot fetched at `since`."""

    changes: ChangeSet
    at: datetime
    since: datetime | None


def _brief_key(b: Brief) -> Key:
    return b.key


def _pair_key(pair: tuple[Brief, Brief]) -> Key:
    return pair[1].key


# ---------------------------------------------------------------------- JSON


def changes_to_json(changes: ChangeSet) -> dict[str, Any]:
    return {
        "version": CHANGES_VERSION,
        "new": [_brief_json(b) for b in changes.new],
        "status_changed": [[_brief_json(o), _brief_json(n)] for o, n in changes.status_changed],
        "amount_changed": [[_brief_json(o), _brief_json(n)] for o, n in changes.amount_changed],
        "gone": [_brief_json(b) for b in changes.gone],
    }


class ChangesFormatError(ValueError):
    """Stored changes this version cannot read (another version, or damaged)."""


def changes_from_json(data: Any) -> ChangeSet:
    """Inverse of changes_to_json; raises ChangesFormatError on anything else."""
    if not isinstance(data, dict) or data.get("version") != CHANGES_VERSION:
        raise ChangesFormatError("stored changes have another format")
    try:
        return ChangeSet(
            new=tuple(_brief_from(b) for b in data["new"]),
            status_changed=tuple(
                (_brief_from(o), _brief_from(n)) for o, n in data["status_changed"]
            ),
            amount_changed=tuple(
                (_brief_from(o), _brief_from(n)) for o, n in data["amount_changed"]
            ),
            gone=tuple(_brief_from(b) for b in data["gone"]),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise ChangesFormatError(f"stored changes are unreadable: {exc}") from exc


def _brief_json(b: Brief) -> list[Any]:
    return [
        b.account,
        b.id,
        b.label,
        b.status.value,
        b.currency,
        format_decimal(b.total),
        format_decimal(b.amount_due),
    ]


def _brief_from(row: Any) -> Brief:
    account, ident, label, status, currency, total, due = row
    for text in (account, ident, label):
        if not isinstance(text, str):
            raise TypeError("a text field is not text")
    if currency is not None and not isinstance(currency, str):
        raise TypeError("currency is not text")
    return Brief(
        _clean(account),
        _clean(ident),
        _clean(label),
        Status(status),
        None if currency is None else _clean(currency),
        _dec(total),
        _dec(due),
    )


def _clean(text: str) -> str:
    # The cache file is untrusted input like any provider: no control characters leave it.
    return text if text.isprintable() else clean_text(text, one_line=True)


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("an amount is not a decimal string")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError("an amount is not finite")
    return number

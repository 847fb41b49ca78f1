"""Where the money goes: line items grouped by project, by kind, or by the user's [groups]
labels, for a range of months, per currency, each group with its share.

Invoices without line items (Zilliz has none; a summary whose details are not loaded has
none yet) count as one group per account, and the result names those accounts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from invoicetui.core.model import Invoice, LineItem, Status

By = Literal["project", "kind", "group"]
UNKNOWN_CURRENCY = "?"
NO_PROJECT = "(no project)"
NO_KIND = "(no kind)"
NO_GROUP = "(no group)"
WHOLE_INVOICE = "Invoice total (no line items)"


@dataclass(frozen=True, slots=True)
class Group:
    label: str
    amount: Decimal
    share: Decimal  # of the currency's total, 0..1 (0 when the total is not positive)
    items: list[tuple[Invoice, LineItem]]

    @property
    def keys(self) -> frozenset[tuple[str, str]]:
        return frozenset((inv.account, inv.id) for inv, _item in self.items)


@dataclass(frozen=True, slots=True)
class CurrencyBreakdown:
    currency: str
    total: Decimal
    groups: list[Group]  # largest first


@dataclass(frozen=True, slots=True)
class Breakdown:
    by: By
    first: date
    last: date
    currencies: list[CurrencyBreakdown]
    without_items: list[str]  # accounts counted as one group per account, sorted


def in_range(inv: Invoice, first: date, last: date) -> bool:
    """The invoice's month (period start, else issued) lies within first..last's months."""
    anchor = inv.period_start or inv.issued
    if anchor is None:
        return False
    month = (anchor.year, anchor.month)
    return (first.year, first.month) <= month <= (last.year, last.month)


def breakdown(
    invoices: Sequence[Invoice],
    by: By,
    groups: Mapping[str, str],
    first: date,
    last: date,
) -> Breakdown:
    """Group the line items of the invoices of months first..last (void ones left out)."""
    buckets: dict[str, dict[str, list[tuple[Invoice, LineItem]]]] = {}
    amounts: dict[tuple[str, str], Decimal] = {}
    without: set[str] = set()
    for inv in invoices:
        if inv.status is Status.VOID or not in_range(inv, first, last):
            continue
        if inv.line_items:
            pairs = [(item, _label(inv, item, by, groups)) for item in inv.line_items]
        elif inv.total is not None:
            without.add(inv.account)
            whole = LineItem(WHOLE_INVOICE, amount=inv.total, currency=inv.currency)
            label = groups.get(inv.account, inv.account) if by == "group" else inv.account
            pairs = [(whole, label)]
        else:
            continue
        for item, label in pairs:
            if item.amount is None:
                continue
            currency = item.currency or inv.currency or UNKNOWN_CURRENCY
            buckets.setdefault(currency, {}).setdefault(label, []).append((inv, item))
            amounts[(currency, label)] = amounts.get((currency, label), Decimal(0)) + item.amount
    result = []
    for currency in sorted(buckets, key=lambda c: (c == UNKNOWN_CURRENCY, c)):
        labels = buckets[currency]
        total = sum((amounts[(currency, label)] for label in labels), Decimal(0))
        built = [
            Group(
                label,
                amounts[(currency, label)],
                _share(amounts[(currency, label)], total),
                items,
            )
            for label, items in labels.items()
        ]
        built.sort(key=lambda g: (-g.amount, g.label.startswith("("), g.label))
        result.append(CurrencyBreakdown(currency, total, built))
    return Breakdown(by, first, last, result, sorted(without))


def _label(inv: Invoice, item: LineItem, by: By, groups: Mapping[str, str]) -> str:
    if by == "project":
        return item.project or NO_PROJECT
    if by == "kind":
        return item.kind or NO_KIND
    if item.project and item.project in groups:
        return groups[item.project]
    return groups.get(inv.account, NO_GROUP)


def _share(amount: Decimal, total: Decimal) -> Decimal:
    if total <= 0:
        return Decimal(0)
    return min(max(amount / total, Decimal(0)), Decimal(1))

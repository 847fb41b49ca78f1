"""Flags on invoices: what looks wrong in the provider's own figures, as a mark and a sentence.

Raised: line items that do not add up to the subtotal or total beyond rounding, a negative
balance (a credit), a status the dates contradict, and a number used twice in one account.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from invoicetui.core.changeset import Key
from invoicetui.core.model import Invoice, Status, format_decimal

# Items are often rounded to the cent one by one: allow half a cent per item, at least a cent.
ROUNDING_PER_ITEM = Decimal("0.005")
ROUNDING_MIN = Decimal("0.01")
# A draft whose period ended this long ago should have been billed.
DRAFT_STALE_DAYS = 62


@dataclass(frozen=True, slots=True)
class Flag:
    code: str  # "sum-mismatch" | "negative-balance" | "status-dates" | "duplicate-number"
    sentence: str  # for the detail pane
    mark: str  # one character for the table


def day_of(value: date | None) -> date | None:
    """The UTC calendar day of a date or an aware datetime."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).date()
    return value


def number_counts(same_account: Iterable[Invoice]) -> Counter[str]:
    """How often each number occurs (computed once per account by flag_all)."""
    return Counter(inv.number for inv in same_account if inv.number)


def flags(
    inv: Invoice,
    same_account: Sequence[Invoice],
    today: date,
    *,
    numbers: Mapping[str, int] | None = None,
) -> list[Flag]:
    """Every flag of one invoice; `numbers` (number_counts of same_account) saves a pass."""
    found: list[Flag] = []
    mismatch = _sum_mismatch(inv)
    if mismatch:
        found.append(Flag("sum-mismatch", mismatch, "Σ"))
    balance = _negative_balance(inv)
    if balance:
        found.append(Flag("negative-balance", balance, "c"))
    found.extend(Flag("status-dates", s, "!") for s in _status_dates(inv, today))
    if inv.number:
        counts = numbers if numbers is not None else number_counts(same_account)
        times = counts.get(inv.number, 0)
        if times > 1:
            found.append(
                Flag(
                    "duplicate-number",
                    f"Number {inv.number} is used by {times} invoices of account {inv.account}.",
                    "=",
                )
            )
    return found


def flag_all(invoices: Sequence[Invoice], today: date) -> dict[Key, list[Flag]]:
    """Flags of every flagged invoice, keyed by (account, id): one pass per account."""
    by_account: dict[str, list[Invoice]] = {}
    for inv in invoices:
        by_account.setdefault(inv.account, []).append(inv)
    out: dict[Key, list[Flag]] = {}
    for same in by_account.values():
        counts = number_counts(same)
        for inv in same:
            found = flags(inv, same, today, numbers=counts)
            if found:
                out[(inv.account, inv.id)] = found
    return out


def marks(found: Sequence[Flag]) -> str:
    """The table's mark for a list of flags: the first one's character ('' for none)."""
    return found[0].mark if found else ""


def _money(value: Decimal, currency: str | None) -> str:
    text = format_decimal(value) or ""
    return f"{text} {currency}" if currency else text


def _sum_mismatch(inv: Invoice) -> str | None:
    if not inv.detailed or not inv.line_items:
        return None  # nothing to add up
    total_items = Decimal(0)
    for li in inv.line_items:
        if li.amount is None or (li.currency is not None and li.currency != inv.currency):
            return None  # an item without an amount, or in another currency: not comparable
        total_items += li.amount
    items = inv.line_items
    tolerance = max(ROUNDING_MIN, ROUNDING_PER_ITEM * len(items))
    targets = [t for t in (inv.subtotal, inv.total) if t is not None]
    if inv.credits is not None:  # items before credits, figures after (or the other way)
        targets += [t + inv.credits for t in (inv.subtotal, inv.total) if t is not None]
    if not targets or any(abs(total_items - t) <= tolerance for t in targets):
        return None
    shown = "subtotal" if inv.subtotal is not None else "total"
    target = inv.subtotal if inv.subtotal is not None else inv.total
    assert target is not None
    return (
        f"The {len(items)} line items add up to {_money(total_items, inv.currency)}, "
        f"but the {shown} is {_money(target, inv.currency)} "
        f"(off by {_money(total_items - target, inv.currency)})."
    )


def _negative_balance(inv: Invoice) -> str | None:
    owed = inv.amount_due if inv.amount_due is not None else None
    if owed is None or owed >= 0 or inv.status is Status.VOID:
        return None
    return (
        f"A credit balance of {_money(-owed, inv.currency)}: "
        f"the provider owes this to you; nothing is due."
    )


def _status_dates(inv: Invoice, today: date) -> list[str]:
    issued, due = day_of(inv.issued), day_of(inv.due)
    start, end = day_of(inv.period_start), day_of(inv.period_end)
    out: list[str] = []
    if issued and due and due < issued:
        out.append(f"Due {due.isoformat()}, before it was issued ({issued.isoformat()}).")
    if start and end and end < start:
        out.append(f"The period ends ({end.isoformat()}) before it starts ({start.isoformat()}).")
    if inv.status is Status.OVERDUE and due and due > today:
        out.append(
            f"Marked overdue, but due only on {due.isoformat()} ({(due - today).days}d from now)."
        )
    if issued and issued > today + timedelta(days=1) and inv.status is not Status.DRAFT:
        out.append(f"Status {inv.status.value}, but issued in the future ({issued.isoformat()}).")
    if inv.status is Status.DRAFT and end is not None and (today - end).days > DRAFT_STALE_DAYS:
        out.append(
            f"Still a draft {(today - end).days} days after its period ended ({end.isoformat()})."
        )
    if inv.status is Status.PAID and inv.amount_due is not None and inv.amount_due > 0:
        out.append(f"Marked paid, but {_money(inv.amount_due, inv.currency)} is still due.")
    return out

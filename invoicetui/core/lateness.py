"""The one overdue rule: what is owed, how late it is, and how urgent (pure, no I/O).

The table, the detail, the `/overdue` filter, sort, the summary strip, `invoicetui summary`
and every insight view decide lateness here, so that no two panes can disagree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from invoicetui.core.model import OUTSTANDING, Invoice, Status

# Providers whose status word already encodes lateness: their status wins over the due date.
STATUS_DECIDES = frozenset({"zilliz"})
ZILLIZ_GRACE_DAYS = 14

# Statuses for which the provider still asks for money (DISPUTED: asked for, but contested).
OWED = OUTSTANDING | {Status.DISPUTED}
# Statuses whose amount_due, when the provider gives one, is still owed.
MAYBE_OWED = frozenset({Status.UNKNOWN, Status.ISSUED})

RULE_TEXT = (
    "Overdue: something is still owed and either the provider says so (DoiT PAST DUE, "
    "Zilliz overdue) or the due date is before today (UTC). Zilliz's own status wins: "
    f"after the due date Zilliz keeps an invoice 'unpaid' for a {ZILLIZ_GRACE_DAYS}-day "
    "grace period, shown as 'grace Nd' (N days past due), not as late. Credits, paid, "
    "void and draft invoices are never overdue."
)
LATENESS_LEGEND = "Due in / Late: 'in 5d' = due in 5 days, '62d late' = 62 days past due"


class Urgency(enum.IntEnum):
    """Sort order of status by urgency, most urgent first."""

    FAILED = 0
    OVERDUE = 1
    OPEN = 2
    PROCESSING = 3
    DISPUTED = 4
    DRAFT = 5
    UNKNOWN = 6
    ISSUED = 7
    SETTLED = 8  # paid, void


_BY_STATUS = {
    Status.FAILED: Urgency.FAILED,
    Status.OVERDUE: Urgency.OVERDUE,
    Status.OPEN: Urgency.OPEN,
    Status.PROCESSING: Urgency.PROCESSING,
    Status.DISPUTED: Urgency.DISPUTED,
    Status.DRAFT: Urgency.DRAFT,
    Status.UNKNOWN: Urgency.UNKNOWN,
    Status.ISSUED: Urgency.ISSUED,
    Status.PAID: Urgency.SETTLED,
    Status.VOID: Urgency.SETTLED,
}


@dataclass(frozen=True, slots=True)
class Lateness:
    """How late one invoice is by the one rule."""

    overdue: bool
    days: int | None  # > 0: days late; <= 0: due in -days; None: no due date or nothing owed
    in_grace: bool  # Zilliz: past its due date, but its status says it is still in grace
    label: str  # "62d late", "in 5d", "today", "grace 3d", "late", ""


NOT_OWED = Lateness(overdue=False, days=None, in_grace=False, label="")


def utc_day(value: date | None) -> date | None:
    """The UTC calendar day of a date or an aware datetime (Day fields hold either)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).date()
    return value


def outstanding(inv: Invoice) -> Decimal | None:
    """What is still owed: amount_due, else total for open-like statuses; None if nothing.

    Negative is a credit (DoiT), never a debt. Paid, void and draft owe nothing (None);
    unknown and issued owe only what the provider states as amount_due.
    """
    if inv.status in OWED:
        return inv.amount_due if inv.amount_due is not None else inv.total
    if inv.status in MAYBE_OWED:
        return inv.amount_due
    return None


def lateness(inv: Invoice, today: date) -> Lateness:
    """Lateness of `inv` on `today` (a UTC day) by the one rule (RULE_TEXT)."""
    owed = outstanding(inv)
    if owed is None or owed <= 0:
        return NOT_OWED
    due = utc_day(inv.due)
    says_overdue = inv.status is Status.OVERDUE
    if due is None:
        return Lateness(says_overdue, None, False, "late" if says_overdue else "")
    days = (today - due).days
    if says_overdue:
        return Lateness(True, days, False, f"{days}d late" if days > 0 else "late")
    if days <= 0:
        return Lateness(False, days, False, "today" if days == 0 else f"in {-days}d")
    if inv.provider in STATUS_DECIDES:
        return Lateness(False, days, True, f"grace {days}d")
    return Lateness(True, days, False, f"{days}d late")


def urgency(inv: Invoice, today: date) -> Urgency:
    """Status urgency; an invoice late by the rule (OPEN, PROCESSING, ...) sorts as OVERDUE."""
    base = _BY_STATUS.get(inv.status, Urgency.UNKNOWN)
    if base is Urgency.FAILED:
        return base
    if lateness(inv, today).overdue:
        return Urgency.OVERDUE
    return base

"""What is owed per currency and what each account spent per month (pure data, no Textual).

Amounts of different currencies are never added together: every figure is per currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from invoicetui.core.lateness import OWED, lateness, outstanding, utc_day
from invoicetui.core.model import Invoice, Status

__all__ = ["CurrencyOwed", "monthly_spend", "owed", "owed_by_currency", "utc_day"]

UNKNOWN_CURRENCY = "?"
SPEND_MONTHS = 12
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CurrencyOwed:
    """Money still owed in one currency across all accounts."""

    currency: str
    outstanding: Decimal  # core.lateness.outstanding summed (a credit counts against it)
    overdue: Decimal  # the part of it that is overdue by the one rule (core.lateness)
    next_due: date | None  # earliest due day, today or later, of an outstanding invoice
    count: int  # outstanding invoices


def owed(inv: Invoice) -> Decimal | None:
    """What an invoice still asks for (core.lateness.outstanding: the one rule)."""
    return outstanding(inv)


def currency_of(inv: Invoice) -> str:
    return inv.currency or UNKNOWN_CURRENCY


def owed_by_currency(invoices: Iterable[Invoice], today: date) -> list[CurrencyOwed]:
    """Outstanding and overdue sums per currency (sorted by code, '?' last), next due day.

    Overdue and outstanding are core.lateness's: the table, the filter and sort agree.
    """
    owing: dict[str, Decimal] = defaultdict(Decimal)
    overdue: dict[str, Decimal] = defaultdict(Decimal)
    next_due: dict[str, date] = {}
    count: dict[str, int] = defaultdict(int)
    for inv in invoices:
        amount = owed(inv)
        if amount is None and inv.status not in OWED:
            continue
        code = currency_of(inv)
        count[code] += 1
        amount = amount or Decimal(0)
        owing[code] += amount
        due = utc_day(inv.due)
        if lateness(inv, today).overdue:
            overdue[code] += amount
        elif (
            amount > 0
            and due is not None
            and due >= today
            and due < next_due.get(code, due + ONE_DAY)
        ):
            next_due[code] = due
    codes = sorted(count, key=lambda c: (c == UNKNOWN_CURRENCY, c))
    return [CurrencyOwed(c, owing[c], overdue[c], next_due.get(c), count[c]) for c in codes]


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_months(end: str, count: int = SPEND_MONTHS) -> list[str]:
    """`count` YYYY-MM keys, oldest first, ending with `end`."""
    year, month = int(end[:4]), int(end[5:7])
    out: list[str] = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def monthly_spend(
    invoices: Iterable[Invoice], *, end: str | None = None, months: int = SPEND_MONTHS
) -> dict[tuple[str, str], list[tuple[str, Decimal]]]:
    """Invoice totals per (account, currency) per month (VOID left out), last `months` months.

    The window ends at `end` (YYYY-MM), by default the latest month in the data; months
    without invoices are zero so every series has the same length.
    """
    sums: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    latest: str | None = None
    for inv in invoices:
        month = inv.month
        if month is None or inv.total is None or inv.status is Status.VOID:
            continue
        sums[(inv.account, currency_of(inv))][month] += inv.total
        latest = month if latest is None or month > latest else latest
    end = end or latest
    if end is None:
        return {}
    window = last_months(end, months)
    return {
        key: [(m, by_month.get(m, Decimal(0))) for m in window]
        for key, by_month in sorted(sums.items())
    }

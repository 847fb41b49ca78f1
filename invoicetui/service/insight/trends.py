"""Monthly totals per account and currency, the change against the previous full month, and
anomalies (months far from their trailing median). The running month is "to date": it is
shown but never compared as if it were complete.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from statistics import median

from invoicetui.core.changeset import Key
from invoicetui.core.model import Invoice, Status
from invoicetui.core.parse import EXACT

UNKNOWN_CURRENCY = "?"
ANOMALY_WINDOW = 6  # full months before the one judged
ANOMALY_MIN_PRIOR = 3
ANOMALY_RATIO = Decimal("0.5")  # more than 50 % away from the median...
ANOMALY_SHARE_OF_YEAR = Decimal("0.01")  # ...and by more than 1 % of the yearly total
ANOMALY_RULE = (
    "A full month is an anomaly when its total differs from the median of the 6 full months "
    "before it by more than 50 % and by more than 1 % of that account's total over the 12 "
    "months up to it (at least 3 earlier months needed). The running month is never judged."
)

MonthKey = tuple[int, int]  # (year, month)


@dataclass(frozen=True, slots=True)
class Month:
    first: date  # the first day of the month
    to_date: bool  # the running month: incomplete

    @property
    def label(self) -> str:
        return f"{self.first.year:04d}-{self.first.month:02d}"


@dataclass(frozen=True, slots=True)
class TrendRow:
    """One series: an account in one currency (account "" for a whole currency)."""

    account: str
    provider: str
    currency: str
    totals: list[Decimal | None]  # aligned to Trends.months; None: no invoice that month
    keys: list[frozenset[Key]]  # the invoices behind each total
    delta: Decimal | None  # last full month minus the full month before it
    delta_pct: Decimal | None  # delta as a percentage of the earlier month
    anomalies: list[int]  # indexes into Trends.months


@dataclass(frozen=True, slots=True)
class Trends:
    months: list[Month]
    rows: list[TrendRow]  # per (account, currency), sorted
    currencies: list[TrendRow]  # per currency, all accounts together (account "")
    rule: str = ANOMALY_RULE

    @property
    def compared(self) -> tuple[int, int] | None:
        """Indexes of (previous full month, last full month) that deltas compare."""
        full = [i for i, m in enumerate(self.months) if not m.to_date]
        return (full[-2], full[-1]) if len(full) >= 2 else None


def month_of(inv: Invoice) -> MonthKey | None:
    anchor = inv.period_start or inv.issued
    return (anchor.year, anchor.month) if anchor is not None else None


def add_months(key: MonthKey, count: int) -> MonthKey:
    index = key[0] * 12 + key[1] - 1 + count
    return (index // 12, index % 12 + 1)


def trends(
    invoices: Sequence[Invoice], today: date, months: int = 12, *, end: date | None = None
) -> Trends:
    """`months` months ending with `end`'s month (default: today's, the running month).

    Void invoices and invoices without a total are left out. Anomalies and deltas look at
    the whole history, so a month at the start of the window is judged like any other.
    """
    running: MonthKey = (today.year, today.month)
    last: MonthKey = (end.year, end.month) if end is not None else running
    window = [add_months(last, i - months + 1) for i in range(max(months, 1))]
    sums: dict[tuple[str, str], dict[MonthKey, Decimal]] = defaultdict(dict)
    keys: dict[tuple[str, str], dict[MonthKey, set[Key]]] = defaultdict(lambda: defaultdict(set))
    providers: dict[str, str] = {}
    for inv in invoices:
        month = month_of(inv)
        if month is None or inv.total is None or inv.status is Status.VOID or month > running:
            continue
        series = (inv.account, inv.currency or UNKNOWN_CURRENCY)
        sums[series][month] = sums[series].get(month, Decimal(0)) + inv.total
        keys[series][month].add((inv.account, inv.id))
        providers.setdefault(inv.account, inv.provider)
    month_list = [Month(date(y, m, 1), (y, m) == running) for y, m in window]
    rows = [
        _row(account, providers[account], currency, sums[(account, currency)],
             keys[(account, currency)], window, running)
        for account, currency in sorted(sums)
    ]  # fmt: skip
    totals: dict[str, dict[MonthKey, Decimal]] = defaultdict(dict)
    all_keys: dict[str, dict[MonthKey, set[Key]]] = defaultdict(lambda: defaultdict(set))
    for (_account, currency), by_month in sums.items():
        for month, amount in by_month.items():
            totals[currency][month] = totals[currency].get(month, Decimal(0)) + amount
    for (_account, currency), by_month_keys in keys.items():
        for month, found in by_month_keys.items():
            all_keys[currency][month] |= found
    currencies = [
        _row("", "", currency, totals[currency], all_keys[currency], window, running)
        for currency in sorted(totals, key=lambda c: (c == UNKNOWN_CURRENCY, c))
    ]
    return Trends(month_list, rows, currencies)


def _row(
    account: str,
    provider: str,
    currency: str,
    by_month: dict[MonthKey, Decimal],
    keys: dict[MonthKey, set[Key]],
    window: list[MonthKey],
    running: MonthKey,
) -> TrendRow:
    totals = [by_month.get(m) for m in window]
    full = [i for i, m in enumerate(window) if m != running and m < running]
    delta = pct = None
    if len(full) >= 2:
        before, after = totals[full[-2]], totals[full[-1]]
        if before is not None and after is not None:
            delta = EXACT.subtract(after, before)
            share = EXACT.divide(EXACT.multiply(delta, Decimal(100)), before) if before else None
            pct = None if share is None else share.quantize(Decimal("0.1"), context=EXACT)
    anomalies = [i for i in full if is_anomaly(by_month, window[i])]
    return TrendRow(
        account,
        provider,
        currency,
        totals,
        [frozenset(keys.get(m, ())) for m in window],
        delta,
        pct,
        anomalies,
    )


def is_anomaly(by_month: dict[MonthKey, Decimal], month: MonthKey) -> bool:
    """ANOMALY_RULE for one full month of one series (months without invoices are skipped)."""
    total = by_month.get(month)
    if total is None:
        return False
    prior = [
        by_month[m]
        for m in (add_months(month, -i) for i in range(1, ANOMALY_WINDOW + 1))
        if m in by_month
    ]
    if len(prior) < ANOMALY_MIN_PRIOR:
        return False
    middle = Decimal(median(prior))
    year = sum((by_month.get(add_months(month, -i), Decimal(0)) for i in range(12)), Decimal(0))
    gap = abs(total - middle)
    return gap > ANOMALY_RATIO * abs(middle) and gap > ANOMALY_SHARE_OF_YEAR * abs(year)

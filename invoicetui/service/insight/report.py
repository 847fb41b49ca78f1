"""`invoicetui summary`'s content: what is owed, what is overdue (oldest first), spend per
account this month and last, budgets, and what changed at the last refresh. Pure: the CLI
loads the invoices and the stored changes; rendering lives in report_render.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from invoicetui.core.changeset import Key, SavedChanges
from invoicetui.core.lateness import lateness, outstanding
from invoicetui.core.model import Invoice
from invoicetui.service.insight.budgets import (
    Approx,
    BudgetLine,
    RatesLike,
    approx_total,
    budget_status,
)
from invoicetui.service.insight.flags import day_of
from invoicetui.service.insight.overview import AccountOverview, CurrencyOverview, overview
from invoicetui.service.insight.trends import Month, trends


@dataclass(frozen=True, slots=True)
class OverdueLine:
    account: str
    provider: str
    id: str
    label: str
    currency: str
    amount: Decimal
    due: date | None
    days: int | None  # days late


@dataclass(frozen=True, slots=True)
class SpendLine:
    account: str
    provider: str
    currency: str
    this_month: Decimal | None  # to date
    last_month: Decimal | None
    delta: Decimal | None  # last full month against the one before it
    delta_pct: Decimal | None


@dataclass(frozen=True, slots=True)
class AccountChanges:
    account: str
    saved: SavedChanges | None  # None: no refresh recorded yet


@dataclass(frozen=True, slots=True)
class FailOn:
    """--fail-on: "overdue", or due within `days` days (overdue ones included)."""

    rule: str
    days: int | None = None

    @classmethod
    def parse(cls, text: str) -> FailOn:
        """'overdue' or 'due:DAYS'; ValueError with a usable message otherwise."""
        value = text.strip().lower()
        if value == "overdue":
            return cls("overdue")
        kind, _, days = value.partition(":")
        if kind == "due" and days.isdigit() and int(days) <= 3660:
            return cls(f"due:{int(days)}", int(days))
        raise ValueError(f"--fail-on {text!r}: use 'overdue' or 'due:DAYS', e.g. due:7")


@dataclass(frozen=True, slots=True)
class Report:
    today: date
    currencies: list[CurrencyOverview]
    approx: Approx | None  # of the outstanding figures, when [rates] is set
    overdue: list[OverdueLine]  # oldest first
    accounts: list[AccountOverview]
    months: tuple[Month, Month, Month]  # (the one before last, last, this month)
    spend: list[SpendLine]
    budgets: list[BudgetLine]
    changes: list[AccountChanges]
    fail_on: FailOn | None = None
    matched: list[Key] = field(default_factory=list)  # invoices that --fail-on matched
    errors: list[str] = field(default_factory=list)  # accounts that failed, one line each
    note: str = ""  # shown in the title, e.g. "demo data"


def build_report(
    invoices: Sequence[Invoice],
    today: date,
    *,
    changes: Sequence[AccountChanges] = (),
    budgets: Mapping[str, Decimal] | None = None,
    rates: RatesLike | None = None,
    fail_on: FailOn | None = None,
    errors: Sequence[str] = (),
    note: str = "",
) -> Report:
    view = overview(invoices, today)
    approx = None
    if rates is not None:
        approx = approx_total({c.currency: c.outstanding.amount for c in view.currencies}, rates)
    trend = trends(invoices, today, months=3)
    before, last, this = trend.months
    spend = [
        SpendLine(
            row.account,
            row.provider,
            row.currency,
            row.totals[2],
            row.totals[1],
            row.delta,
            row.delta_pct,
        )
        for row in trend.rows
        if any(t is not None for t in row.totals)
    ]
    return Report(
        today=today,
        currencies=view.currencies,
        approx=approx,
        overdue=overdue_lines(invoices, today),
        accounts=view.accounts,
        months=(before, last, this),
        spend=spend,
        budgets=budget_status(invoices, budgets, today) if budgets else [],
        changes=list(changes),
        fail_on=fail_on,
        matched=matches(invoices, fail_on, today) if fail_on is not None else [],
        errors=list(errors),
        note=note,
    )


def overdue_lines(invoices: Sequence[Invoice], today: date) -> list[OverdueLine]:
    """Every overdue invoice, the oldest (most days late) first."""
    out = []
    for inv in invoices:
        owed = outstanding(inv)
        if owed is None or owed <= 0:
            continue
        late = lateness(inv, today)
        if late.overdue:
            out.append(
                OverdueLine(
                    inv.account,
                    inv.provider,
                    inv.id,
                    inv.label,
                    inv.currency or "?",
                    owed,
                    day_of(inv.due),
                    late.days,
                )
            )
    out.sort(key=lambda o: (-(o.days or 0), o.account, o.label))
    return out


def matches(invoices: Sequence[Invoice], rule: FailOn, today: date) -> list[Key]:
    """Invoices that --fail-on matches: overdue, or (due:N) due within N days or overdue."""
    found = []
    for inv in invoices:
        owed = outstanding(inv)
        if owed is None or owed <= 0:
            continue
        late = lateness(inv, today)
        hit = late.overdue
        if not hit and rule.days is not None and late.days is not None:
            hit = late.in_grace or -late.days <= rule.days
        if hit:
            found.append((inv.account, inv.id))
    return found

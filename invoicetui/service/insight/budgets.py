"""Budgets ([budgets]: the running month's accrual against a monthly budget per account) and
the one place where currencies meet: an "≈ N EUR in total" figure from the user's [rates],
which never changes an invoice and says which currencies it left out.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal, Protocol

from invoicetui.core.changeset import Key
from invoicetui.core.currency import rounded
from invoicetui.core.model import Invoice, Status, format_decimal

WARN_RATIO = Decimal("0.8")
Level = Literal["ok", "warn", "over"]


class RatesLike(Protocol):
    """What [rates] gives (config.Rates): 1 unit of a currency = rates[currency] base units."""

    @property
    def base(self) -> str: ...

    @property
    def rates(self) -> Mapping[str, Decimal]: ...


@dataclass(frozen=True, slots=True)
class Rates:
    """A plain RatesLike (tests, the demo, callers without a config)."""

    base: str
    rates: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class BudgetLine:
    account: str
    currency: str | None  # the account's currency (None: nothing invoiced yet)
    accrued: Decimal  # this month's draft (unbilled, pending) invoices
    budget: Decimal
    ratio: Decimal | None  # accrued / budget (None for a budget of 0)
    level: Level  # ok, warn (past 80 %), over (past 100 %)
    projected: Decimal  # the accrual extended to the whole month at the same pace
    keys: frozenset[Key]

    @property
    def percent(self) -> int | None:
        return None if self.ratio is None else int(self.ratio * 100)


@dataclass(frozen=True, slots=True)
class Approx:
    base: str
    total: Decimal  # in the base currency
    used: dict[str, Decimal]  # currency -> rate used (the base itself at 1)
    left_out: list[str]  # currencies with no rate, not in the total

    def sentence(self, what: str = "") -> str:
        """≈ 1,234.56 EUR {what} in total (1 USD = 0.92 EUR); GBP left out (no rate)."""
        words = f"{self.base} {what} in total" if what else f"{self.base} in total"
        text = f"≈ {rounded(self.total, self.base):,} {words}"
        rates = [
            f"1 {c} = {format_decimal(r)} {self.base}"
            for c, r in self.used.items()
            if c.upper() != self.base
        ]
        if rates:
            text += f" ({', '.join(rates)})"
        if self.left_out:
            text += f"; {', '.join(self.left_out)} left out (no rate)"
        return text


def approx_total(figures: Mapping[str, Decimal], rates: RatesLike) -> Approx:
    """Sum per-currency figures in the base currency; a currency without a rate is left out."""
    base = rates.base.upper()
    table = {code.upper(): rate for code, rate in rates.rates.items()}
    total = Decimal(0)
    used: dict[str, Decimal] = {}
    left_out: list[str] = []
    for currency in sorted(figures):
        code = currency.upper()
        rate = Decimal(1) if code == base else table.get(code)
        if rate is None:
            left_out.append(currency)
            continue
        used[currency] = rate
        total += figures[currency] * rate
    return Approx(base, total, used, left_out)


def budget_status(
    invoices: Sequence[Invoice], budgets: Mapping[str, Decimal], today: date
) -> list[BudgetLine]:
    """One line per budgeted account, in the account's currency, sorted by name."""
    running = (today.year, today.month)
    drafts: dict[str, list[Invoice]] = {name: [] for name in budgets}
    seen: dict[str, Counter[str]] = {name: Counter() for name in budgets}
    for inv in invoices:
        if inv.account not in budgets:
            continue
        if inv.currency:
            seen[inv.account][inv.currency] += 1
        anchor = inv.period_start or inv.issued
        if (
            inv.status is Status.DRAFT
            and anchor is not None
            and (anchor.year, anchor.month) == running
            and inv.total is not None
        ):
            drafts[inv.account].append(inv)
    days = calendar.monthrange(today.year, today.month)[1]
    lines = []
    for account in sorted(budgets):
        budget = Decimal(budgets[account])
        mine = drafts[account]
        by_currency = Counter(inv.currency for inv in mine if inv.currency) or seen[account]
        currency = by_currency.most_common(1)[0][0] if by_currency else None
        counted = [inv for inv in mine if inv.currency == currency]
        accrued = sum((inv.total for inv in counted if inv.total is not None), Decimal(0))
        ratio = accrued / budget if budget > 0 else None
        lines.append(
            BudgetLine(
                account=account,
                currency=currency,
                accrued=accrued,
                budget=budget,
                ratio=ratio,
                level=_level(accrued, budget),
                projected=accrued * days / today.day,
                keys=frozenset((inv.account, inv.id) for inv in counted),
            )
        )
    return lines


def _level(accrued: Decimal, budget: Decimal) -> Level:
    if accrued > budget:
        return "over"
    if accrued > budget * WARN_RATIO:
        return "warn"
    return "ok"

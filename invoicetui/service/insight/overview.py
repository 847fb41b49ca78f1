"""What is owed, at a glance: per currency outstanding, overdue by age and due soon; per
account the next due date and the oldest overdue invoice. Every overdue or outstanding
decision is core.lateness's (the one rule: Zilliz's grace period, DoiT credits...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from invoicetui.core.changeset import Key
from invoicetui.core.lateness import lateness, outstanding
from invoicetui.core.model import Invoice
from invoicetui.service.insight.flags import day_of

UNKNOWN_CURRENCY = "?"
SOON = 7
LATER = 30


@dataclass(frozen=True, slots=True)
class Figure:
    amount: Decimal = Decimal(0)
    count: int = 0
    keys: frozenset[Key] = frozenset()


class _Sum:
    """A Figure being built (adding to a frozenset per invoice would be quadratic)."""

    __slots__ = ("amount", "keys")

    def __init__(self) -> None:
        self.amount = Decimal(0)
        self.keys: set[Key] = set()

    def figure(self) -> Figure:
        return Figure(self.amount, len(self.keys), frozenset(self.keys))


@dataclass(frozen=True, slots=True)
class CurrencyOverview:
    currency: str
    outstanding: Figure = field(default_factory=Figure)  # positive balances still owed
    overdue: Figure = field(default_factory=Figure)  # all overdue (the three ages together)
    overdue_1_30: Figure = field(default_factory=Figure)
    overdue_31_60: Figure = field(default_factory=Figure)
    overdue_over_60: Figure = field(default_factory=Figure)
    due_7: Figure = field(default_factory=Figure)  # not overdue, due within 7 days (or in grace)
    due_30: Figure = field(default_factory=Figure)  # likewise within 30 days (due_7 included)
    credit: Figure = field(default_factory=Figure)  # negative balances (the provider owes you)


@dataclass(frozen=True, slots=True)
class AccountOverview:
    account: str
    provider: str
    next_due: date | None = None  # earliest due date of what is owed and not overdue
    next_due_key: Key | None = None
    oldest_overdue: date | None = None
    oldest_overdue_key: Key | None = None
    oldest_overdue_days: int | None = None


@dataclass(frozen=True, slots=True)
class Overview:
    today: date
    currencies: list[CurrencyOverview]  # sorted by code, "?" last
    accounts: list[AccountOverview]  # oldest overdue first, then by next due, then by name


def overview(invoices: Sequence[Invoice], today: date) -> Overview:
    """The overview of these invoices on `today` (UTC)."""
    figures: dict[str, dict[str, _Sum]] = {}
    accounts: dict[str, AccountOverview] = {}
    for inv in invoices:
        account = accounts.get(inv.account)
        if account is None:
            accounts[inv.account] = account = AccountOverview(inv.account, inv.provider)
        owed = outstanding(inv)
        if owed is None or owed == 0:
            continue
        mine = figures.setdefault(inv.currency or UNKNOWN_CURRENCY, {})
        if owed < 0:
            _add(mine, "credit", inv, -owed)
            continue
        late = lateness(inv, today)
        _add(mine, "outstanding", inv, owed)
        due = day_of(inv.due)
        key = (inv.account, inv.id)
        if late.overdue:
            days = late.days if late.days is not None else 0
            _add(mine, "overdue", inv, owed)
            age = (
                "overdue_1_30"
                if days <= 30
                else "overdue_31_60"
                if days <= 60
                else "overdue_over_60"
            )
            _add(mine, age, inv, owed)
            if due is not None and (account.oldest_overdue is None or due < account.oldest_overdue):
                accounts[inv.account] = account = _replace(
                    account, oldest_overdue=due, oldest_overdue_key=key, oldest_overdue_days=days
                )
            elif account.oldest_overdue_key is None:
                accounts[inv.account] = account = _replace(
                    account, oldest_overdue_key=key, oldest_overdue_days=late.days
                )
            continue
        if late.days is not None and (late.in_grace or -late.days <= LATER):
            if late.in_grace or -late.days <= SOON:
                _add(mine, "due_7", inv, owed)
            _add(mine, "due_30", inv, owed)
        if due is not None and (account.next_due is None or due < account.next_due):
            accounts[inv.account] = _replace(account, next_due=due, next_due_key=key)
    currencies = [
        CurrencyOverview(code, **{name: f.figure() for name, f in figures[code].items()})
        for code in sorted(figures, key=lambda c: (c == UNKNOWN_CURRENCY, c))
    ]
    ordered = sorted(
        accounts.values(),
        key=lambda a: (
            a.oldest_overdue_key is None,
            a.oldest_overdue or date.max,
            a.next_due or date.max,
            a.account,
        ),
    )
    return Overview(today, currencies, ordered)


def _add(figures: dict[str, _Sum], name: str, inv: Invoice, amount: Decimal) -> None:
    total = figures.get(name)
    if total is None:
        figures[name] = total = _Sum()
    total.amount += amount
    total.keys.add((inv.account, inv.id))


def _replace(account: AccountOverview, **changes: object) -> AccountOverview:
    return replace(account, **changes)  # type: ignore[arg-type]

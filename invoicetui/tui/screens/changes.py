"""Changes since you last looked: new invoices, status and amount changes, gone ones, as found
by the last refresh of each account (persisted in the cache, so they survive a restart).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content

from invoicetui.core.model import Invoice
from invoicetui.core.sanitize import clean_text
from invoicetui.tui.keymap import bind
from invoicetui.tui.rows import money_str, plain, status_text, text_key
from invoicetui.tui.screens.insight import InsightScreen
from invoicetui.tui.widgets.table import Column, VirtualTable

KIND_WORDS = {"new": "NEW", "status": "STATUS", "amount": "AMOUNT", "gone": "GONE"}
KIND_STYLES = {"new": "bold cyan", "status": "bold yellow", "amount": "bold magenta", "gone": "dim"}
KIND_ORDER = {"status": 0, "amount": 1, "new": 2, "gone": 3}


@dataclass(frozen=True)
class ChangeRow:
    """One change, as the table shows it."""

    kind: str  # "new" | "status" | "amount" | "gone"
    account: str
    id: str
    label: str
    what: Text
    at: datetime | None


@dataclass(frozen=True)
class ChangesData:
    rows: list[ChangeRow]
    since: datetime | None  # the oldest "previous snapshot" among the accounts
    at: datetime | None  # the newest refresh that found changes
    accounts: int  # accounts with a saved change set


def when(value: datetime | None, tz: tzinfo | None) -> str:
    """ "Tue 14:02" in the user's zone."""
    if value is None:
        return "?"
    return value.astimezone(tz).strftime("%a %H:%M")


def _money(brief: Any) -> str:
    amount = brief.amount_due if brief.amount_due is not None else brief.total
    code = clean_text(brief.currency or "", one_line=True)
    return f"{money_str(amount, code)} {code}".strip()


def change_rows(saved: Any) -> list[ChangeRow]:
    """The rows of one account's saved change set."""
    changes, at = saved.changes, saved.at
    rows: list[ChangeRow] = []
    for brief in changes.new:
        what = status_text(brief.status)
        what.append(f"  {_money(brief)}")
        rows.append(ChangeRow("new", brief.account, brief.id, brief.label, what, at))
    for old, new in changes.status_changed:
        what = status_text(old.status)
        what.append(" → ")
        what.append_text(status_text(new.status))
        rows.append(ChangeRow("status", new.account, new.id, new.label, what, at))
    for old, new in changes.amount_changed:
        what = Text(f"{_money(old)} → {_money(new)}")
        rows.append(ChangeRow("amount", new.account, new.id, new.label, what, at))
    for brief in changes.gone:
        rows.append(ChangeRow("gone", brief.account, brief.id, brief.label,
                              Text("no longer listed by the provider"), at))  # fmt: skip
    return rows


def columns() -> list[Column[ChangeRow]]:
    return [
        Column("kind", "Change", 7, lambda r: Text(KIND_WORDS[r.kind], style=KIND_STYLES[r.kind]),
               lambda r: KIND_ORDER[r.kind]),
        Column("account", "Account", 12, lambda r: plain(r.account),
               lambda r: text_key(r.account), flex=True, min_width=8, priority=2),
        Column("number", "Invoice", 15, lambda r: plain(r.label), lambda r: text_key(r.label),
               flex=True, min_width=10, cut="start"),
        Column("what", "What", 30, lambda r: r.what, None, flex=True, min_width=16),
    ]  # fmt: skip


class ChangesScreen(InsightScreen[ChangesData]):
    """Every account's last change set; Enter opens the invoice."""

    VIEW = "changes"
    HELP_NOTES = (
        "Each refresh compares an account's invoices with its previous snapshot in the cache: "
        "new invoices, status changes, amount changes and invoices no longer listed. The "
        "last change set of each account is kept, so it survives a restart.",
        "In the invoice table, + marks a new invoice and • a changed one; ! is a flag.",
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("sort", "sort", "Sort", show=True),
    ]
    DEFAULT_CSS = """
    ChangesScreen #changes { border: round $accent; height: 1fr; }
    """

    @property
    def table(self) -> VirtualTable[ChangeRow]:
        return self.query_one("#changes", VirtualTable)

    def compose_body(self) -> ComposeResult:
        yield VirtualTable(columns(), search_text=lambda r: f"{r.account}\x00{r.label}",
                           row_key=lambda r: (r.kind, r.account, r.id),
                           empty_text="Computing…", id="changes")  # fmt: skip

    def on_mount(self) -> None:
        super().on_mount()
        self.table.focus()

    def compute(self, invoices: Sequence[Invoice], today: date) -> ChangesData:
        """In a thread: read each account's saved change set from the cache."""
        cache = self.session.cache
        load = getattr(cache, "load_changes", None)
        rows: list[ChangeRow] = []
        since: list[datetime] = []
        at: list[datetime] = []
        found = 0
        for account in self.session.accounts:
            saved = load(account) if load is not None else None
            if saved is None:
                continue
            found += 1
            rows.extend(change_rows(saved))
            if saved.since is not None:
                since.append(saved.since)
            at.append(saved.at)
        rows.sort(key=lambda r: (KIND_ORDER[r.kind], r.account, r.label))
        return ChangesData(rows, min(since, default=None), max(at, default=None), found)

    def show(self, result: ChangesData) -> None:
        table = self.table
        tz = self.session.tz
        table.empty_text = (
            "Nothing changed at the last refresh" if result.accounts
            else "No refresh compared yet: changes show after the next refresh (R)"
        )  # fmt: skip
        table.set_rows(result.rows)
        count = len(result.rows)
        title = f"Changes since {when(result.since, tz)}" if result.since else "Changes"
        table.border_title = Content(f"{title} · {count} change{'s' if count != 1 else ''}")
        if result.at is not None:
            table.border_subtitle = Content(f"found by the refresh of {when(result.at, tz)}")

    def action_sort(self) -> None:
        self.table.cycle_sort()

    @on(VirtualTable.Selected, "#changes")
    def _open(self, event: VirtualTable.Selected) -> None:
        from invoicetui.tui.screens.detail import DetailScreen
        from invoicetui.tui.screens.insight import current_invoices

        event.stop()
        row = self.table.cursor_row
        if row is None:
            return
        found = next((inv for inv in current_invoices(self.main)
                      if (inv.account, inv.id) == (row.account, row.id)), None)  # fmt: skip
        if found is None:
            self.notify(f"Invoice {row.label} is no longer listed", markup=False)
            return
        main = self.main
        self.app.push_screen(DetailScreen(
            [found], 0, details_wanted=main.want_details, notes=main.invoice_notes
        ))  # fmt: skip

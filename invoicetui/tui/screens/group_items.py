"""A breakdown group's line items across every invoice they came from; Enter opens the invoice."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header

from invoicetui.core.model import Invoice, LineItem
from invoicetui.core.sanitize import clean_text
from invoicetui.tui.keymap import bind
from invoicetui.tui.rows import day_key, money_text, plain, text_key
from invoicetui.tui.screens.insight import InsightPart, main_screen
from invoicetui.tui.widgets.table import Column, VirtualTable

Pair = tuple[Invoice, LineItem]


def item_columns() -> list[Column[Pair]]:
    """account, invoice, month, description, project, kind, amount."""
    return [
        Column("account", "Account", 12, lambda p: plain(p[0].account),
               lambda p: text_key(p[0].account), flex=True, min_width=8, priority=2),
        Column("invoice", "Invoice", 14, lambda p: plain(p[0].label),
               lambda p: text_key(p[0].label), priority=3, cut="start"),
        Column("month", "Month", 7, lambda p: plain(p[0].month),
               lambda p: day_key(p[0].period_start or p[0].issued), priority=4),
        Column("description", "Description", 20, lambda p: plain(p[1].description),
               lambda p: text_key(p[1].description), flex=True, min_width=10),
        Column("project", "Project", 12, lambda p: plain(p[1].project),
               lambda p: text_key(p[1].project), flex=True, min_width=8, priority=5),
        Column("kind", "Kind", 8, lambda p: plain(p[1].kind), lambda p: text_key(p[1].kind),
               priority=6),
        Column("amount", "Amount", 14,
               lambda p: money_text(p[1].amount, p[1].currency or p[0].currency),
               lambda p: p[1].amount if p[1].amount is not None else Decimal(0), align="right"),
    ]  # fmt: skip


def search(pair: Pair) -> str:
    inv, item = pair
    return f"{inv.account}\x00{inv.label}\x00{item.description}\x00{item.project or ''}"


class GroupItemsScreen(InsightPart, Screen[None]):
    """Line items of one group; Esc goes back to the breakdown."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "close", "Back", show=True),
        bind("help", "app.help", "Keys", show=True),
        bind("sort", "sort", "Sort", show=True),
        bind("quit", "app.quit", "Quit"),
    ]
    DEFAULT_CSS = """
    GroupItemsScreen VirtualTable { border: round $accent; height: 1fr; }
    """

    def __init__(self, title: str, items: Sequence[Pair]) -> None:
        super().__init__()
        self.group_title = title
        self.items = list(items)

    @property
    def table(self) -> VirtualTable[Pair]:
        return self.query_one("#group-items", VirtualTable)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield VirtualTable(item_columns(), search_text=search, empty_text="No line items",
                           id="group-items")  # fmt: skip
        yield Footer()

    def on_mount(self) -> None:
        table = self.table
        table.set_rows(self.items)
        table.sort("amount", reverse=True)
        invoices = len({(inv.account, inv.id) for inv, _ in self.items})
        title = clean_text(self.group_title, one_line=True)
        table.border_title = Content(
            f"{title} · {len(self.items)} line items from {invoices} invoices"
        )
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_sort(self) -> None:
        self.table.cycle_sort()

    @on(VirtualTable.Selected, "#group-items")
    def _open(self, event: VirtualTable.Selected) -> None:
        """Enter: the invoice this line item came from, full screen."""
        from invoicetui.tui.screens.detail import DetailScreen

        event.stop()
        pair = self.table.cursor_row
        if pair is None:
            return
        main = main_screen(self)
        self.app.push_screen(DetailScreen(
            [pair[0]], 0, details_wanted=main.want_details, notes=main.invoice_notes
        ))  # fmt: skip


_ = Text  # rich Text is the cell type of item_columns

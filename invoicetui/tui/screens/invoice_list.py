"""The invoice table narrowed to exactly the invoices behind a figure; Enter opens one, Esc
goes back to the view it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header

from invoicetui.core.model import Invoice
from invoicetui.core.sanitize import clean_text
from invoicetui.tui.keymap import bind
from invoicetui.tui.rows import invoice_columns, invoice_key, invoice_search_text
from invoicetui.tui.screens.insight import InsightPart, current_invoices, main_screen
from invoicetui.tui.widgets.figures import Cell
from invoicetui.tui.widgets.table import VirtualTable

Keys = frozenset[tuple[str, str]]


def invoices_behind(invoices: Sequence[Invoice], keys: Keys) -> list[Invoice]:
    """The invoices a figure stands for, in the order they are held."""
    return [inv for inv in invoices if (inv.account, inv.id) in keys]


class InvoiceListScreen(InsightPart, Screen[None]):
    """A figure's invoices in the invoice table's columns; its title names the figure."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "close", "Back", show=True),
        bind("help", "app.help", "Keys", show=True),
        bind("sort", "sort", "Sort", show=True),
        bind("sort-reverse", "sort_reverse", "Reverse sort"),
        bind("quit", "app.quit", "Quit"),
    ]
    DEFAULT_CSS = """
    InvoiceListScreen VirtualTable { border: round $accent; height: 1fr; }
    """

    def __init__(self, title: str, keys: Keys) -> None:
        super().__init__()
        self.figure_title = title
        self.keys = keys

    @property
    def table(self) -> VirtualTable[Invoice]:
        return self.query_one("#figure-invoices", VirtualTable)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield VirtualTable(
            invoice_columns(),
            search_text=invoice_search_text,
            row_key=invoice_key,
            empty_text="None of these invoices is loaded any more",
            id="figure-invoices",
        )
        yield Footer()

    def on_mount(self) -> None:
        rows = invoices_behind(current_invoices(main_screen(self)), self.keys)
        table = self.table
        table.set_rows(rows)
        table.sort("due")
        count = len(rows)
        noun = "invoice" if count == 1 else "invoices"
        title = clean_text(self.figure_title, one_line=True)
        table.border_title = Content(f"{title} · {count} {noun}")
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_sort(self) -> None:
        self.table.cycle_sort()
        self._subtitle()

    def action_sort_reverse(self) -> None:
        self.table.toggle_sort_direction()
        self._subtitle()

    def _subtitle(self) -> None:
        table = self.table
        column = table.sort_column
        if column is None:
            table.border_subtitle = None
            return
        label = next((c.label for c in table.columns if c.key == column), column)
        arrow = "↓" if table.sort_reverse else "↑"
        table.border_subtitle = Content(f"sort: {label} {arrow}")

    @on(VirtualTable.Selected, "#figure-invoices")
    def _open(self, event: VirtualTable.Selected) -> None:
        """Enter: the invoice full screen, n/N stepping through this list."""
        from invoicetui.tui.screens.detail import DetailScreen

        event.stop()
        table = self.table
        main = main_screen(self)

        def back(invoice: Invoice | None) -> None:
            if invoice is not None:
                table.select_row(lambda row: invoice_key(row) == invoice_key(invoice))

        screen = DetailScreen(
            lambda: table.rows_visible, max(0, table.cursor_index),
            details_wanted=main.want_details, notes=main.invoice_notes,
        )  # fmt: skip
        self.app.push_screen(screen, back)


def open_figure(screen: Screen[Any], cell: Cell) -> None:
    """The invoices behind a figure, in the invoice table (or say there are none)."""
    if not cell.keys:
        screen.notify("No invoices behind this figure", markup=False)
        return
    screen.app.push_screen(InvoiceListScreen(cell.title or "Invoices", cell.keys))

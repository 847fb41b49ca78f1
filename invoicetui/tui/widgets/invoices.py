"""The invoice table, as the main screen uses it (widgets/filter_bar.py has its "/" box).

The table titles itself ("Invoices 5 of 40 · account: x · filter: y", "sort: Due ↓") from
its own rows, sort and filter plus the screen's scope and total, which the screen binds to
it (data_bind), so the title can never lag behind the state it describes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import ClassVar

from textual.binding import BindingType
from textual.content import Content
from textual.reactive import var

from invoicetui.core.lateness import lateness
from invoicetui.core.model import Invoice
from invoicetui.core.sanitize import clean_text
from invoicetui.tui.keymap import bind
from invoicetui.tui.rows import invoice_search_text
from invoicetui.tui.widgets.sidebar import ALL
from invoicetui.tui.widgets.table import VirtualTable


def search_text(invoice: Invoice, today: date | None = None) -> str:
    """What "/" matches: the table's fields plus line item descriptions where known.

    With `today`, lateness by the one rule too: "/overdue" finds every invoice the
    Due in/Late column calls late ("overdue late"), and "/grace" Zilliz's grace period.
    """
    base = invoice_search_text(invoice)
    if today is not None:
        late = lateness(invoice, today)
        if late.overdue:
            base += "\x00overdue late"
        elif late.in_grace:
            base += "\x00grace"
    if not invoice.line_items:
        return base
    return base + "\x00" + "\x00".join(item.description for item in invoice.line_items)


def search_text_on(today: Callable[[], date]) -> Callable[[Invoice], str]:
    """The table's search text with lateness as of `today()` (the app's clock)."""
    return lambda invoice: search_text(invoice, today())


class InvoiceTable(VirtualTable[Invoice]):
    """The invoice table; Esc/h backs out to the sidebar (or clears the filter first)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "screen.back_from_table", "Back to the accounts"),
    ]

    scope: var[str] = var(ALL, init=False)  # bound to MainScreen.scope
    total: var[int] = var(0, init=False)  # bound to MainScreen.total_rows: rows of every account

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The table never scrolls sideways (columns give way instead): ←/→ are the detail's."""
        if action in ("scroll_left", "scroll_right"):
            return False
        return super().check_action(action, parameters)

    def watch_scope(self) -> None:
        self.update_title()

    def watch_total(self) -> None:
        self.update_title()

    def sort_label(self) -> str | None:
        """ "Due ↓" for the current sort, None when unsorted."""
        key = self.sort_column
        if key is None:
            return None
        label = next((c.label for c in self.columns if c.key == key), key)
        return f"{label} {'↓' if self.sort_reverse else '↑'}"

    def update_title(self) -> None:
        parts = [f"Invoices {self.visible_count} of {self.total}"]
        if self.scope != ALL:
            parts.append(self.scope.replace(":", ": ", 1))
        if self.filter_text:
            parts.append(f"filter: {clean_text(self.filter_text, one_line=True)}")
        self.border_title = Content(" · ".join(parts))
        label = self.sort_label()
        self.border_subtitle = Content(f"sort: {label}") if label else None

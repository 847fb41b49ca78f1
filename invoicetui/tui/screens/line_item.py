"""Line items in full, one at a time: the table truncates descriptions and drops columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from invoicetui.core.model import LineItem
from invoicetui.tui.keymap import bind
from invoicetui.tui.widgets.detail_parts import (
    DASH,
    Pairs,
    label_width,
    literal,
    money,
    pairs_table,
    when,
)

if TYPE_CHECKING:
    from invoicetui.tui.widgets.detail import DetailPane


def line_item_pairs(item: LineItem, currency: str | None) -> Pairs:
    """Every field of a line item, literally; money in the item's (or invoice's) currency."""
    cur = item.currency or currency

    def text(value: object) -> Text:
        return Text(DASH if value is None or value == "" else literal(value, one_line=False))

    quantity = DASH if item.quantity is None else f"{item.quantity:,f}"
    if item.quantity is not None and item.unit:
        quantity = f"{quantity} {literal(item.unit)}"
    pairs: Pairs = [
        ("Description", text(item.description)),
        ("Project", text(item.project)),
        ("Kind", text(item.kind)),
        ("Quantity", Text(quantity)),
        ("Unit price", Text(money(item.unit_price, cur))),
        ("Amount", Text(money(item.amount, cur), style="bold")),
        ("Tax", Text(money(item.tax, cur))),
        ("Start", Text(when(item.start))),
        ("End", Text(when(item.end))),
    ]
    if item.details:
        pairs.insert(1, ("Details", text(item.details)))
    return pairs


class LineItemScreen(ModalScreen[int]):
    """Line items over the detail, one at a time: j/k or n/N step, Esc, h, Enter or l close.

    Dismisses with the index last shown, so the table behind can put its cursor there.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cursor-down", "step(1)", "Next item", show=True),
        bind("cursor-up", "step(-1)", "Previous item", show=True),
        bind("next-invoice", "step(1)", "Next item"),
        bind("previous-invoice", "step(-1)", "Previous item"),
        bind("back", "close", "Close", show=True),
        bind("select", "close", "Close"),
    ]

    DEFAULT_CSS = """
    LineItemScreen { align: center middle; }
    LineItemScreen > VerticalScroll {
        width: 80%;
        max-width: 100;
        height: auto;
        max-height: 80%;
        border: round $accent;
        padding: 0 1;
        background: $surface;
    }
    """

    def __init__(self, items: Sequence[LineItem], index: int, currency: str | None) -> None:
        super().__init__()
        self.items = items
        self.index = max(0, min(index, len(items) - 1))
        self.currency = currency

    @property
    def item(self) -> LineItem:
        return self.items[self.index]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="line-item-body"):
            yield Static(id="line-item", markup=False)
        yield Footer()  # over the one behind: only the keys that work here

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        pairs = line_item_pairs(self.item, self.currency)
        body = self.query_one("#line-item-body", VerticalScroll)
        body.border_title = Content(f"Line item {self.index + 1:,} of {len(self.items):,}")
        body.border_subtitle = Content("j/k next/previous · Esc closes")
        self.query_one("#line-item", Static).update(pairs_table(pairs, label_width(pairs)))

    def action_step(self, delta: int) -> None:
        """j/k, n/N: the next or previous line item; a bell at either end."""
        target = self.index + delta
        if not 0 <= target < len(self.items):
            self.app.bell()
            return
        self.index = target
        self._show()

    def action_close(self) -> None:
        self.dismiss(self.index)


def show_line_item(app: App[Any], event: DetailPane.LineItemChosen) -> None:
    """Push the popup for a chosen line item; closing it leaves the table's cursor there."""
    table = event.table

    def back(index: int | None) -> None:
        if index is not None and table.is_mounted:
            table.move_cursor(index)

    app.push_screen(LineItemScreen(event.items, event.index, event.currency), back)

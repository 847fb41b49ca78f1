"""One line item in full: the table truncates descriptions and drops columns when narrow."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

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


class LineItemScreen(ModalScreen[None]):
    """A line item over the detail; Esc, h, Enter or l closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
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

    def __init__(self, item: LineItem, currency: str | None, position: tuple[int, int]) -> None:
        super().__init__()
        self.item = item
        self.currency = currency
        self.position = position

    def compose(self) -> ComposeResult:
        pairs = line_item_pairs(self.item, self.currency)
        with VerticalScroll() as body:
            body.border_title = Content(f"Line item {self.position[0]:,} of {self.position[1]:,}")
            body.border_subtitle = Content("Esc closes")
            yield Static(pairs_table(pairs, label_width(pairs)), markup=False)

    def action_close(self) -> None:
        self.dismiss(None)

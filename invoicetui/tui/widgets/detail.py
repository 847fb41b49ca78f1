"""The detail pane: one invoice's facts and money, then its line items, credits, payments, raw JSON.

Provider text is only ever placed in Content/Text objects (never parsed as markup) and is
sanitized again here, because a hand-built or cached Invoice may not have passed the data layer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.message import Message
from textual.widgets import Static, TabbedContent, TabPane, TextArea

from invoicetui.model import PROVIDER_LABELS, Invoice, LineItem, Payment, Status
from invoicetui.sanitize import clean_text
from invoicetui.tui.rows import (
    line_item_columns,
    line_item_search_text,
    money_str,
    money_text,
    status_text,
)
from invoicetui.tui.widgets.table import Column, VirtualTable

# Below this many cells the facts and the money stack instead of sitting side by side.
NARROW_WIDTH = 64
MUTED = "$text-muted"
DASH = "—"
# The raw view is a TextArea; beyond this many characters it shows a head and says so.
RAW_LIMIT = 2_000_000

MONEY_COLUMNS = ("unit_price", "amount", "tax")


def literal(value: object, *, one_line: bool = True) -> str:
    """Provider text made safe to show: controls and escape sequences removed."""
    return clean_text(str(value), one_line=one_line)


def when(value: date | None) -> str:
    """A day as YYYY-MM-DD, a time as YYYY-MM-DD HH:MM UTC."""
    if value is None:
        return DASH
    if isinstance(value, datetime):
        stamp = value.astimezone(UTC)
        return f"{stamp:%Y-%m-%d %H:%M:%S} UTC"
    return value.isoformat()


def money(amount: Decimal | None, currency: str | None) -> str:
    """Exact amount with thousands separators and its currency; a dash where not given."""
    if amount is None:
        return DASH
    text = money_str(amount)
    return f"{text} {literal(currency)}" if currency else text


def status_content(status: Status, raw: str | None = None) -> Content:
    """The status word (legible without colour), with the provider's own word when it differs."""
    word = Content.from_rich_text(status_text(status))
    if raw and raw.lower() != status.value:
        return Content.assemble(word, (f" ({literal(raw)})", MUTED))
    return word


Pairs = list[tuple[str, Content | str]]


def label_width(*groups: Pairs) -> int:
    """One label column for every group, so stacked groups line up too."""
    return (
        max((Content(label).cell_length for pairs in groups for label, _ in pairs), default=0) + 2
    )


def rows_content(pairs: Pairs, width: int, *, right: bool = False) -> Content:
    """Label/value lines with the labels in one muted column (values right-aligned if asked)."""
    items = [(label, Content(value) if isinstance(value, str) else value) for label, value in pairs]
    if not items:
        return Content("")
    value_width = max(value.cell_length for _, value in items)
    lines = []
    for label, value in items:
        padded = value.pad_left(value_width - value.cell_length) if right else value
        lines.append(Content.assemble((label.ljust(width), MUTED), padded))
    return Content("\n").join(lines)


def title_content(invoice: Invoice, position: tuple[int, int] | None) -> Content:
    """First line: what the invoice is called, its status, and where it sits in the list."""
    parts: list[str | Content | tuple[str, str]] = [
        ("Invoice " if invoice.number else "", MUTED),
        (literal(invoice.label), "bold"),
        "  ",
        status_content(invoice.status, invoice.status_raw),
    ]
    if position is not None:
        parts.append((f"  ({position[0]} of {position[1]})", MUTED))
    return Content.assemble(*parts)


def facts_pairs(invoice: Invoice) -> Pairs:
    """Who and when: account, id, period, dates, customer, url and the provider's extras."""
    provider = PROVIDER_LABELS.get(invoice.provider, literal(invoice.provider))
    pairs: Pairs = [
        ("Account", f"{literal(invoice.account)} ({provider})"),
    ]
    if invoice.number:
        pairs.append(("ID", literal(invoice.id)))
    if invoice.period_start or invoice.period_end:
        pairs.append(("Period", f"{when(invoice.period_start)} – {when(invoice.period_end)}"))
    pairs.append(("Issued", when(invoice.issued)))
    pairs.append(("Due", when(invoice.due)))
    if invoice.customer:
        pairs.append(("Customer", literal(invoice.customer)))
    for key, value in invoice.extra:
        pairs.append((literal(key)[:24] or "?", literal(value)))
    if invoice.url:
        pairs.append(("URL", literal(invoice.url)))
    return pairs


def money_pairs(invoice: Invoice) -> Pairs:
    """How much: subtotal, tax, credits, total and amount due, each with its currency."""
    cur = invoice.currency
    return [
        ("Subtotal", money(invoice.subtotal, cur)),
        ("Tax", money(invoice.tax, cur)),
        ("Credits", money(invoice.credits, cur)),
        ("Total", Content.styled(money(invoice.total, cur), "bold")),
        ("Amount due", Content.styled(money(invoice.amount_due, cur), "bold")),
    ]


def credits_renderable(invoice: Invoice) -> Table | Text:
    """Credits detail as a table of literal Text cells, then the money credits took off."""
    applied = Text.assemble(
        ("Credits applied: ", "dim"), (money(invoice.credits, invoice.currency), "bold")
    )
    if not invoice.credits_detail:
        return Text.assemble(applied, ("\nNo credits on this invoice.", "dim"))
    table = Table(box=None, expand=True, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("Name", ratio=3, overflow="fold")
    table.add_column("Kind", no_wrap=True)
    table.add_column("Amount", justify="right", no_wrap=True)
    table.add_column("Valid", no_wrap=True)
    for credit in invoice.credits_detail:
        if credit.amount is None:
            amount = DASH
        elif credit.unit:  # not money: Palette credits are CPU core hours
            amount = f"{credit.amount:,f} {literal(credit.unit)}"
        else:
            amount = money(credit.amount, invoice.currency)
        dated = credit.start or credit.end
        valid = f"{when(credit.start)} – {when(credit.end)}" if dated else ""
        table.add_row(
            Text(literal(credit.name) or DASH),
            Text(literal(credit.kind) if credit.kind else DASH),
            Text(amount),
            Text(valid, style="dim"),
        )
    table.caption = applied
    table.caption_justify = "left"
    return table


def _payment_key(payment: Payment) -> tuple[int, datetime]:
    at = payment.at
    return (0, at) if at is not None else (1, datetime.min.replace(tzinfo=UTC))


def payments_content(invoice: Invoice) -> Content:
    """Payment states as a timeline, oldest first (by time, never by array order)."""
    if not invoice.payments:
        provider = PROVIDER_LABELS.get(invoice.provider, literal(invoice.provider))
        return Content.styled(f"No payment events from {provider} for this invoice.", MUTED)
    ordered = sorted(invoice.payments, key=_payment_key)
    lines: list[Content] = []
    for index, payment in enumerate(ordered):
        last = index == len(ordered) - 1
        lines.append(
            Content.assemble(
                ("● ", "bold"),
                (when(payment.at).ljust(24), ""),
                status_content(payment.state, payment.state_raw),
            )
        )
        rail = "  " if last else "│ "
        if payment.message:
            for text in literal(payment.message, one_line=False).splitlines() or [""]:
                lines.append(Content.assemble((rail, MUTED), text))
        if not last:
            lines.append(Content.styled("│", MUTED))
    return Content("\n").join(lines)


def raw_text(raw: Any) -> str:
    """invoice.raw as indented JSON, made literal-safe; a note where there is none."""
    if raw is None:
        return "(the provider response was not kept for this invoice)"
    text = json.dumps(raw, indent=2, ensure_ascii=False, default=str)
    if len(text) > RAW_LIMIT:
        text = text[:RAW_LIMIT] + f"\n… ({len(text) - RAW_LIMIT:,} more characters not shown)"
    return clean_text(text)


class DetailPane(Vertical):
    """Header block, then tabs for line items, credits, payments and the raw JSON."""

    DEFAULT_CSS = """
    DetailPane { height: 1fr; padding: 0 1; }
    DetailPane #detail-title { height: 1; }
    DetailPane #detail-summary { height: auto; margin-bottom: 1; }
    DetailPane #detail-facts { width: 1fr; height: auto; }
    DetailPane #detail-money { width: auto; height: auto; margin-left: 2; }
    DetailPane.-narrow #detail-summary { layout: vertical; }
    DetailPane.-narrow #detail-money { width: 1fr; margin-left: 0; }
    DetailPane #detail-notice { height: auto; display: none; color: $text-warning; }
    DetailPane #detail-notice.-error { color: $text-error; }
    DetailPane.-notice #detail-notice { display: block; }
    DetailPane.-empty #detail-summary, DetailPane.-empty #detail-tabs { display: none; }
    DetailPane #detail-tabs { height: 1fr; }
    DetailPane TabPane { padding: 0; height: 1fr; }
    DetailPane #detail-items { height: 1fr; }
    DetailPane .detail-scroll { height: 1fr; }
    DetailPane #detail-raw { height: 1fr; border: none; padding: 0; }
    """

    class DetailsWanted(Message):
        """The shown invoice is only a summary: someone should fetch its details."""

        def __init__(self, invoice: Invoice) -> None:
            super().__init__()
            self.invoice = invoice

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.invoice: Invoice | None = None
        self.position: tuple[int, int] | None = None
        self._pending: tuple[str, str] | None = None
        self._raw_for: Invoice | None = None
        self._items_for: tuple[LineItem, ...] | None = None

    def _line_item_columns(self) -> list[Column[LineItem]]:
        """rows.line_item_columns; money in the invoice's currency where an item has none."""

        def render(key: str) -> Callable[[LineItem], Text]:
            def cell(item: LineItem) -> Text:
                cur = item.currency or (self.invoice.currency if self.invoice else None)
                amount: Decimal | None = getattr(item, key)
                return money_text(amount, cur)

            return cell

        return [
            replace(col, render=render(col.key)) if col.key in MONEY_COLUMNS else col
            for col in line_item_columns()
        ]

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title", markup=False)
        with Horizontal(id="detail-summary"):
            yield Static(id="detail-facts", markup=False)
            yield Static(id="detail-money", markup=False)
        yield Static(id="detail-notice", markup=False)
        with TabbedContent(id="detail-tabs"):
            with TabPane("Line items", id="tab-items"):
                yield VirtualTable(
                    self._line_item_columns(),
                    search_text=line_item_search_text,
                    empty_text="No line items.",
                    id="detail-items",
                )
            with TabPane("Credits", id="tab-credits"), VerticalScroll(classes="detail-scroll"):
                yield Static(id="detail-credits", markup=False)
            with TabPane("Payments", id="tab-payments"), VerticalScroll(classes="detail-scroll"):
                yield Static(id="detail-payments", markup=False)
            with TabPane("Raw", id="tab-raw"):
                yield TextArea(
                    id="detail-raw",
                    read_only=True,
                    soft_wrap=False,
                    show_line_numbers=False,
                    highlight_cursor_line=False,
                )

    def on_mount(self) -> None:
        raw = self.query_one("#detail-raw", TextArea)
        raw.cursor_blink = False
        raw.match_cursor_bracket = False
        self._update_view()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    # ------------------------------------------------------------------ public API

    def show_invoice(
        self, invoice: Invoice | None, position: tuple[int, int] | None = None
    ) -> None:
        """Show an invoice (None: nothing selected); position is (i, n) for "(i of n)"."""
        self.invoice = invoice
        self.position = position
        if invoice is not None and not invoice.detailed:
            key = (invoice.account, invoice.id)
            if self._pending != key:
                self._pending = key
                self.post_message(self.DetailsWanted(invoice))
        else:
            self._pending = None
        if self.is_mounted:
            self._update_view()

    def show_error(self, text: str) -> None:
        """A detail load failed: say so in place of "Loading details…" (text shown literally)."""
        self._pending = None
        if self.is_mounted:
            self._notice(literal(text, one_line=False), error=True)

    def focus_line_items(self) -> None:
        """Drill in: switch to the Line items tab and put the keyboard there."""
        self.query_one("#detail-tabs", TabbedContent).active = "tab-items"
        self.query_one("#detail-items", VirtualTable).focus()

    @property
    def line_items_table(self) -> VirtualTable[Any]:
        return self.query_one("#detail-items", VirtualTable)

    # ------------------------------------------------------------------ rendering

    def _notice(self, text: str | None, *, error: bool = False) -> None:
        notice = self.query_one("#detail-notice", Static)
        notice.update(Content(text or ""))
        notice.set_class(error, "-error")
        self.set_class(bool(text), "-notice")

    def _update_view(self) -> None:
        invoice = self.invoice
        title = self.query_one("#detail-title", Static)
        self.set_class(invoice is None, "-empty")
        if invoice is None:
            title.update(Content.styled("No invoice selected.", MUTED))
            self._notice(None)
            self.line_items_table.set_rows([], keep_cursor=False)
            return
        title.update(title_content(invoice, self.position))
        facts, amounts = facts_pairs(invoice), money_pairs(invoice)
        width = label_width(facts, amounts)
        self.query_one("#detail-facts", Static).update(rows_content(facts, width))
        self.query_one("#detail-money", Static).update(rows_content(amounts, width, right=True))
        self._notice("Loading details…" if not invoice.detailed else None)
        if self._items_for is not invoice.line_items:
            self._items_for = invoice.line_items
            self.line_items_table.set_rows(invoice.line_items, keep_cursor=False)
        self.line_items_table.empty_text = (
            "Loading line items…"
            if not invoice.detailed
            else "Zilliz's API gives no line items."
            if invoice.provider == "zilliz"
            else "No line items."
        )
        self.query_one("#detail-credits", Static).update(credits_renderable(invoice))
        self.query_one("#detail-payments", Static).update(payments_content(invoice))
        tabs = self.query_one("#detail-tabs", TabbedContent)
        tabs.get_tab("tab-items").label = Content(f"Line items ({len(invoice.line_items):,})")
        tabs.get_tab("tab-credits").label = Content(f"Credits ({len(invoice.credits_detail)})")
        tabs.get_tab("tab-payments").label = Content(f"Payments ({len(invoice.payments)})")
        if tabs.active == "tab-raw":
            self._render_raw()

    def _render_raw(self) -> None:
        if self.invoice is None or self._raw_for is self.invoice:
            return
        self._raw_for = self.invoice
        self.query_one("#detail-raw", TextArea).load_text(raw_text(self.invoice.raw))

    @on(VirtualTable.Highlighted, "#detail-items")
    @on(VirtualTable.Changed, "#detail-items")
    @on(VirtualTable.Selected, "#detail-items")
    def _keep_line_item_events_here(self, event: Message) -> None:
        # The main screen listens to its invoice table; line-item cursor moves are not for it.
        event.stop()

    @on(TabbedContent.TabActivated, "#detail-tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-raw":
            self._render_raw()

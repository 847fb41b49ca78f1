"""The detail pane: one invoice's facts and money, then line items, credits, payments, raw JSON.

The widget only arranges and updates; what each part shows is built in detail_parts.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize, Show
from textual.message import Message
from textual.widgets import Static

from invoicetui.core.model import Invoice, LineItem, utcnow
from invoicetui.tui.rows import line_item_columns, line_item_search_text, money_text
from invoicetui.tui.widgets.detail_header import header_widgets, mount_header
from invoicetui.tui.widgets.detail_parts import (
    MONEY_COLUMNS,
    MUTED,
    credits_renderable,
    facts_pairs,
    info_renderable,
    label_width,
    literal,
    money_pairs,
    pairs_table,
    payments_content,
    position_content,
    raw_text,
    title_content,
)
from invoicetui.tui.widgets.table import Column, VirtualTable

if TYPE_CHECKING:  # imported on first show: not needed before the first frame
    from textual.widgets import TabbedContent, TextArea

# Below this many cells the facts and the money stack instead of sitting side by side.
NARROW_WIDTH = 64


TITLES = {"tab-items": "Line items", "tab-credits": "Credits", "tab-payments": "Payments",
          "tab-info": "Info"}  # fmt: skip
SHORT_TITLES = {**TITLES, "tab-items": "Items"}
TAB_ORDER = ("tab-items", "tab-credits", "tab-payments", "tab-info", "tab-raw")  # keys 1-5


class DetailPane(Vertical):
    """Header block, then tabs for line items, credits, payments and the raw JSON."""

    DEFAULT_CSS = """
    DetailPane { height: 1fr; padding: 0 1; }
    """  # the rules of its parts: detail_header.PartStyles, with the parts on first show

    class DetailsWanted(Message):
        """The shown invoice is only a summary: someone should fetch its details."""

        def __init__(self, invoice: Invoice) -> None:
            super().__init__()
            self.invoice = invoice

    class LineItemChosen(Message):
        """Enter on a line item: the screen shows all of it (widgets push no screens)."""

        def __init__(
            self,
            table: VirtualTable[LineItem],
            index: int,
            currency: str | None,
        ) -> None:
            super().__init__()
            self.table = table  # the line items as shown (filtered, sorted)
            self.items = table.rows_visible
            self.index = index
            self.currency = currency

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.invoice: Invoice | None = None
        # What to say about an invoice besides its facts (flags, changes), if anyone knows.
        self.notes: Callable[[Invoice], list[str]] | None = None
        self.position: tuple[int, int] | None = None
        self._pending: tuple[str, str] | None = None
        self._raw_for: Invoice | None = None
        self._items_for: tuple[LineItem, ...] | None = None
        self._view_stale = False  # an invoice arrived while the pane was hidden
        # The tabs (line items, credits, payments, info, raw) are mounted on first show.
        self._tabs_state = "none"  # "none" | "mounting" | "ready"
        self._after_tabs: list[Callable[[], None]] = []
        self._items: VirtualTable[LineItem] | None = None
        self._tabs: TabbedContent | None = None
        self._raw: TextArea | None = None
        self._has_header = False

    def _line_item_columns(self) -> list[Column[LineItem]]:
        """rows.line_item_columns; money in the invoice's currency where an item has none."""

        def render(key: str) -> Callable[[LineItem], Text]:
            def cell(item: LineItem) -> Text:
                cur = item.currency or (self.invoice.currency if self.invoice else None)
                amount: Decimal | None = getattr(item, key)
                return money_text(amount, cur, exact=key == "unit_price")

            return cell

        return [
            replace(col, render=render(col.key)) if col.key in MONEY_COLUMNS else col
            for col in line_item_columns()
        ]

    def compose(self) -> ComposeResult:
        if self.display:  # else on first use, after the first frame (detail_header.py)
            self._has_header = True
            yield from header_widgets()

    def _ensure_header(self) -> None:
        """The header's widgets, from here on (mount registers them at once: queries work)."""
        if not self._has_header:
            self._has_header = True
            mount_header(self)

    def _build_tabs(self) -> TabbedContent:
        """The tabs and their contents: built on the pane's first show (a hidden pane never is)."""
        from textual.widgets import TabbedContent, TabPane, TextArea

        raw = TextArea(
            id="detail-raw",
            read_only=True,
            soft_wrap=False,
            show_line_numbers=False,
            highlight_cursor_line=False,
        )
        raw.cursor_blink = False
        raw.match_cursor_bracket = False
        self._raw = raw

        def scroll(static_id: str) -> VerticalScroll:
            return VerticalScroll(Static(id=static_id, markup=False), classes="detail-scroll")

        tabs = self._tabs = TabbedContent(id="detail-tabs")
        for pane in (
            TabPane("Line items", self.line_items_table, id="tab-items"),
            TabPane("Credits", scroll("detail-credits"), id="tab-credits"),
            TabPane("Payments", scroll("detail-payments"), id="tab-payments"),
            TabPane("Info", scroll("detail-info"), id="tab-info"),
            TabPane("Raw", raw, id="tab-raw"),
        ):
            tabs.compose_add_child(pane)  # what `with TabbedContent():` does in compose
        return tabs

    async def _ensure_tabs(self, *, update: bool = True) -> None:
        """Mount the tabs once (first show), then bring the whole view up to date."""
        if self._tabs_state != "none":
            return
        self._tabs_state = "mounting"
        self._ensure_header()
        await self.mount(self._build_tabs())
        self._tabs_state = "ready"
        if update and self.display:
            self._view_stale = False
            self._update_view()
        for callback in self._after_tabs:
            callback()
        self._after_tabs.clear()

    async def on_mount(self) -> None:
        if self.display:
            await self._ensure_tabs(update=False)
            self.show_invoice(self.invoice, self.position)

    def on_resize(self, event: Resize) -> None:
        self._ensure_header()
        narrow = event.size.width < NARROW_WIDTH
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            # Stacked: the money first, so a short pane never loses Total / Amount due.
            summary = self.query_one("#detail-summary")
            money, facts = self.query_one("#detail-money"), self.query_one("#detail-facts")
            if narrow:
                summary.move_child(money, before=facts)
            else:
                summary.move_child(money, after=facts)
            self._label_tabs()

    # ------------------------------------------------------------------ public API

    def show_invoice(
        self, invoice: Invoice | None, position: tuple[int, int] | None = None
    ) -> None:
        """Show an invoice (None: nothing selected); position is (i, n) for "(i of n)".

        A hidden pane (narrow terminal) asks for the details (Enter shows them full screen)
        but renders only once it is shown: cursor moves then cost next to nothing here.
        """
        self.invoice = invoice
        self.position = position
        if invoice is not None and not invoice.detailed:
            key = (invoice.account, invoice.id)
            if self._pending != key:
                self._pending = key
                self.post_message(self.DetailsWanted(invoice))
        else:
            self._pending = None
        if not self.is_mounted or not self.display:
            self._view_stale = True
            return
        self._view_stale = False
        self._update_view()

    def _on_show(self, event: Show) -> None:
        self._ensure_header()
        if self._tabs_state == "none":
            self.call_later(self._ensure_tabs)
        if self._view_stale:
            self.show_invoice(self.invoice, self.position)

    def show_error(self, text: str) -> None:
        """A detail load failed: say so in place of "Loading details…" (text shown literally)."""
        self._pending = None
        if self.is_mounted:
            self._notice(literal(text, one_line=False), error=True)

    def show_loading(self) -> None:
        """A retry began: "Loading details…" in place of the failure."""
        if self.is_mounted:
            self._notice("Loading details…")

    def focus_line_items(self) -> None:
        """Drill in: switch to the Line items tab and put the keyboard there."""
        if self._tabs_state != "ready":
            self._after_tabs.append(self.focus_line_items)
            self.call_later(self._ensure_tabs)
            return
        assert self._tabs is not None
        self._tabs.active = "tab-items"
        self.query_one("#detail-items", VirtualTable).focus()

    def show_tab(self, number: int, delta: int = 0) -> None:
        """Tab `number` (1-5, TAB_ORDER), or with `delta` the one that far from the active tab."""
        if self._tabs_state != "ready":
            self._after_tabs.append(lambda: self.show_tab(number, delta))
            self.call_later(self._ensure_tabs)
            return
        assert self._tabs is not None
        index = TAB_ORDER.index(self._tabs.active) + delta if delta else number - 1
        self._tabs.active = TAB_ORDER[index % len(TAB_ORDER)]
        focused = self.screen.focused
        if focused is not None and focused is not self and self in focused.ancestors:
            self._tabs.query_one("Tabs").focus()  # what had focus may be on a hidden tab now

    @property
    def line_items_table(self) -> VirtualTable[Any]:
        """The line-items table (created, not yet mounted, until the tabs are first shown)."""
        if self._items is None:
            self._items = VirtualTable(
                self._line_item_columns(),
                search_text=line_item_search_text,
                empty_text="No line items.",
                id="detail-items",
            )
        return self._items

    # ------------------------------------------------------------------ rendering

    def _notice(self, text: str | None, *, error: bool = False) -> None:
        self._ensure_header()
        notice = self.query_one("#detail-notice", Static)
        notice.update(Content(text or ""))
        notice.set_class(error, "-error")
        self.set_class(bool(text), "-notice")

    def _today(self) -> date:
        """The app's UTC day (its session clock, fixed in tests), for lateness."""
        session = getattr(self.app, "session", None)
        now = session.now() if session is not None else utcnow()
        return cast(datetime, now).astimezone(UTC).date()

    def _update_view(self) -> None:
        self._ensure_header()
        invoice = self.invoice
        title = self.query_one("#detail-title", Static)
        self.set_class(invoice is None, "-empty")
        self.query_one("#detail-position", Static).update(
            position_content(self.position if invoice is not None else None)
        )
        if invoice is None:
            title.update(Content.styled("No invoice selected.", MUTED))
            self._notice(None)
            self.query_one("#detail-flags", Static).display = False
            if self._tabs_state == "ready":
                self.line_items_table.set_rows([], keep_cursor=False)
            return
        color = not self.app.no_color
        title.update(title_content(invoice, color=color))
        facts, amounts = facts_pairs(invoice, self._today()), money_pairs(invoice)
        width = label_width(facts, amounts)
        self.query_one("#detail-facts", Static).update(pairs_table(facts, width))
        self.query_one("#detail-money", Static).update(pairs_table(amounts, width, right=True))
        self._notice("Loading details…" if not invoice.detailed else None)
        lines = self.notes(invoice) if self.notes is not None else []
        flags = self.query_one("#detail-flags", Static)
        flags.update(Content("\n".join(lines)))
        flags.display = bool(lines)
        if self._tabs_state != "ready":
            return  # _ensure_tabs updates the view again once the tabs are mounted
        self.query_one("#detail-info", Static).update(info_renderable(invoice))
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
        self.query_one("#detail-payments", Static).update(payments_content(invoice, color=color))
        self._label_tabs()
        if self._tabs is not None and self._tabs.active == "tab-raw":
            self._render_raw()

    def _label_tabs(self) -> None:
        """Tab titles with their counts; shorter in a narrow pane so that all five fit."""
        invoice = self.invoice
        if invoice is None or self._tabs_state != "ready":
            return
        counts = {
            "tab-items": len(invoice.line_items),
            "tab-credits": len(invoice.credits_detail),
            "tab-payments": len(invoice.payments),
            "tab-info": len(invoice.extra),
        }
        narrow = self.has_class("-narrow")
        tabs = self._tabs
        assert tabs is not None
        for pane_id, count in counts.items():
            name = (SHORT_TITLES if narrow else TITLES)[pane_id]
            label = f"{name} {count:,}" if narrow else f"{name} ({count:,})"
            tabs.get_tab(pane_id).label = Content(label)

    def _render_raw(self) -> None:
        if self.invoice is None or self._raw is None or self._raw_for is self.invoice:
            return
        self._raw_for = self.invoice
        self._raw.load_text(raw_text(self.invoice.raw))

    @on(VirtualTable.Highlighted, "#detail-items")
    @on(VirtualTable.Changed, "#detail-items")
    def _keep_line_item_events_here(self, event: Message) -> None:
        # The main screen listens to its invoice table; line-item cursor moves are not for it.
        event.stop()

    @on(VirtualTable.Selected, "#detail-items")
    def _line_item_selected(self, event: VirtualTable.Selected) -> None:
        """Enter on a line item: all of it, untruncated, in a small screen on top."""
        event.stop()
        currency = self.invoice.currency if self.invoice else None
        table = self.line_items_table
        self.post_message(self.LineItemChosen(table, max(0, table.cursor_index), currency))

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.tabbed_content is self._tabs and event.pane.id == "tab-raw":
            self._render_raw()

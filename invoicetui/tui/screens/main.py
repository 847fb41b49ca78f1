"""The main screen: sidebar, summary, invoice table and detail; it owns the UI state.

Workers (started by the app) post messages here; this is the one place that turns them,
failures included, into what the widgets show.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from time import monotonic
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static

from invoicetui.config.options import FetchMode
from invoicetui.core.model import Invoice
from invoicetui.core.sanitize import clean_text
from invoicetui.tui import messages as msg
from invoicetui.tui.keymap import bind
from invoicetui.tui.marks import Marks, compute_marks
from invoicetui.tui.rows import invoice_columns, invoice_key, invoice_search_text
from invoicetui.tui.screens.actions import MainActions
from invoicetui.tui.screens.store import InvoiceStore, in_scope
from invoicetui.tui.widgets.detail import DetailPane
from invoicetui.tui.widgets.sidebar import ALL, AccountState, Sidebar
from invoicetui.tui.widgets.statusbar import StatusBar, ago_text
from invoicetui.tui.widgets.summary import SHORT_LINES, TALL_LINES, SummaryStrip
from invoicetui.tui.widgets.table import VirtualTable

if TYPE_CHECKING:
    from invoicetui.tui.app import InvoiceApp
    from invoicetui.tui.screens.detail import DetailScreen

log = logging.getLogger(__name__)

NARROW_WIDTH = 140  # below this the detail pane leaves the side of the table
FLUSH_INTERVAL = 0.2  # seconds between table updates while pages stream in
SHORT_HEIGHT = 32  # below this the summary strip is capped, so the table keeps its rows


def search_text(invoice: Invoice) -> str:
    """What "/" matches: the table's fields plus line item descriptions where known."""
    base = invoice_search_text(invoice)
    if not invoice.line_items:
        return base
    return base + "\x00" + "\x00".join(item.description for item in invoice.line_items)


class FilterInput(Input):
    """The "/" filter: Enter applies and hides, Esc clears and hides."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "clear_filter", "Clear the filter", keys="escape"),
    ]

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(self.Submitted(self, ""))


class InvoiceTable(VirtualTable[Invoice]):
    """The invoice table; Esc/h backs out to the sidebar (or clears the filter first)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "screen.back_from_table", "Back to the accounts"),
    ]


class MainScreen(MainActions):
    """Layout plus state: invoices per account, account states, scope, filter."""

    # Footer order: the keys a newcomer needs first, so 80 columns still show "? Keys".
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("help", "app.help", "Keys", show=True),
        bind("filter", "filter", "Filter", show=True),
        bind("sort", "sort", "Sort", show=True),
        bind("refresh", "refresh", "Refresh", show=True),
        bind("quit", "app.quit", "Quit", show=True),
        bind("focus-next", "app.focus_next", "Next pane"),
        bind("focus-previous", "app.focus_previous", "Previous pane"),
        bind("sort-reverse", "sort_reverse", "Reverse sort"),
        bind("refresh-all", "refresh_all", "Refresh all"),
        bind("copy-id", "copy_id", "Copy id"),
        bind("copy-url", "copy_url", "Copy URL"),
        bind("open-url", "open_url", "Open URL"),
        bind("toggle-detail", "toggle_detail", "Detail pane"),
        bind("export", "export", "Export CSV"),
        bind("back", "back", "Back out"),
        bind("select", "drill_in", "Drill in"),
        bind("next-invoice", "step(1)", "Next invoice"),
        bind("previous-invoice", "step(-1)", "Previous invoice"),
    ]

    def __init__(self, store: InvoiceStore) -> None:
        super().__init__(id="main")
        self.store = store
        self.scope = ALL
        self.current: Invoice | None = None
        self.detail_hidden = False
        self.total_rows = 0
        self._rows_pending = False
        self._last_flush = 0.0
        self._flush_timer: Timer | None = None
        # Streaming: pages of accounts with nothing else on screen are appended (placed in
        # the current sort in O(k log n)); anything that replaces rows rebuilds the table.
        self._rebuild_needed = False
        self._append_queue: list[Invoice] = []
        self._appended: set[str] = set()  # accounts whose table rows came from appends
        self.marks = Marks()  # flags and changes, shown in the table's first column
        self._marks_running = False
        self._marks_dirty = False

    @property
    def states(self) -> dict[str, AccountState]:
        return self.store.states

    @property
    def generations(self) -> dict[str, int]:
        return self.store.generations

    @property
    def invoice_app(self) -> InvoiceApp:
        return cast("InvoiceApp", self.app)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        setup = self.invoice_app.setup
        # Size classes before the first layout: set after mount, each restyles the whole tree.
        self.set_class(self.app.size.width < NARROW_WIDTH, "-narrow")
        self.set_class(self.app.size.height < SHORT_HEIGHT, "-short")
        yield Header(show_clock=False)
        if setup.demo:
            yield Static(Content(self.invoice_app.demo_hint()), id="demo-hint")
        yield SummaryStrip(id="summary")
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with Horizontal(id="content"):
                with Vertical(id="table-area"):
                    yield FilterInput(
                        placeholder="filter: id, account, description, status", id="filter"
                    )
                    yield Static("", id="notice", markup=False)
                    yield InvoiceTable(
                        invoice_columns(),
                        search_text=search_text,
                        row_key=invoice_key,
                        empty_text="No invoices",
                        id="invoices",
                    )
                detail = DetailPane(id="detail")
                # Hidden from the start on a narrow terminal: its tabs are then built only
                # when it is first shown (p), not before the first frame.
                detail.display = self.app.size.width >= NARROW_WIDTH
                yield detail
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        app = self.invoice_app
        self.sidebar.set_accounts(list(self.states.values()), app.now())
        self.query_one("#filter", FilterInput).display = False
        self.query_one("#notice", Static).display = False
        self._apply_size(self.size.width, self.size.height)
        self.table.row_mark = self.marks.gutter  # flags (!) and changes (+ •) beside the rows
        self.table.focus()
        self._update_title()
        if not app.setup.accounts:
            self.status.say("No accounts configured; add one to the config file (see README)")
        for name in self.states:
            self.start_load(name, app.setup.mode)
        self.set_interval(30, self._tick)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one("#sidebar", Sidebar)

    @property
    def table(self) -> InvoiceTable:
        return self.query_one("#invoices", InvoiceTable)

    @property
    def detail(self) -> DetailPane:
        return self.query_one("#detail", DetailPane)

    @property
    def status(self) -> StatusBar:
        return self.query_one("#status", StatusBar)

    def on_resize(self, event: Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        self.set_class(width < NARROW_WIDTH, "-narrow")
        self.set_class(height < SHORT_HEIGHT, "-short")
        summary = self.query_one(SummaryStrip)
        summary.set_max_lines(SHORT_LINES if height < SHORT_HEIGHT else TALL_LINES)
        self._apply_detail_visibility()

    def _apply_detail_visibility(self) -> None:
        # Narrow: the pane is hidden until asked for (p), Enter opens it full screen.
        narrow = self.has_class("-narrow")
        hidden = self.detail_hidden if not narrow else not self.has_class("-show-detail")
        self.detail.display = not hidden

    # ------------------------------------------------------------------ loading

    def start_load(self, account: str, mode: FetchMode) -> None:
        generation = self.store.begin(account)
        if account in self._appended:  # its streamed rows leave the store: and the table
            self._schedule_flush(rebuild=True)
        self._state_changed(self.states[account])
        self.invoice_app.load_account(account, mode, self, generation)

    @on(msg.CacheLoaded)
    def _cache_loaded(self, event: msg.CacheLoaded) -> None:
        if self.store.is_current(event.account, event.generation) and self.store.cache_loaded(
            event.account, event.snapshot
        ):
            self._schedule_flush(rebuild=True)
            self._state_changed(self.states[event.account])

    @on(msg.AccountProgress)
    def _progress(self, event: msg.AccountProgress) -> None:
        if self.store.is_current(event.account, event.generation):
            self.store.progress(event.account, event.done, event.total)
            self._state_changed(self.states[event.account])

    @on(msg.InvoicesArrived)
    def _page(self, event: msg.InvoicesArrived) -> None:
        if self.store.is_current(event.account, event.generation):
            account = event.account
            self.store.page(account, event.invoices)
            if not self.store.invoices.get(account):  # nothing on screen for it to replace
                if in_scope(self.scope, self.states[account]):
                    self._append_queue.extend(event.invoices)
                    self._appended.add(account)
                self._schedule_flush()
            # Else its cached (or earlier) rows stay until it finishes: one rebuild then.
            self._state_changed(self.states[account])

    @on(msg.InvoicesLoaded)
    def _loaded(self, event: msg.InvoicesLoaded) -> None:
        if self.store.is_current(event.account, event.generation):
            self.store.loaded(event.account, event.snapshot)
            self._schedule_flush(rebuild=True)
            self._state_changed(self.states[event.account])

    @on(msg.AccountFailed)
    def _failed(self, event: msg.AccountFailed) -> None:
        if self.store.is_current(event.account, event.generation):
            self.store.failed(event.account, event.error)
            self._state_changed(self.states[event.account])
            self.status.say(str(event.error), "error")

    def want_details(self, invoice: Invoice) -> None:
        """Someone shows a summary: load its details (or hand over those already loaded)."""
        known = self.store.details.get((invoice.account, invoice.id))
        if known is not None:
            self.post_message(msg.DetailsLoaded(known))
        else:
            self.invoice_app.load_detail(invoice, self)

    def _detail_screens(self) -> list[DetailScreen]:
        from invoicetui.tui.screens.detail import DetailScreen  # not needed for the first frame

        return [s for s in self.app.screen_stack if isinstance(s, DetailScreen)]

    @on(msg.DetailsLoaded)
    def _details_loaded(self, event: msg.DetailsLoaded) -> None:
        invoice = event.invoice
        self.store.details[(invoice.account, invoice.id)] = invoice
        for screen in self._detail_screens():
            screen.update_invoice(invoice)
        current = self.current
        if current and (current.account, current.id) == (invoice.account, invoice.id):
            self._show_detail()

    @on(msg.DetailsFailed)
    def _details_failed(self, event: msg.DetailsFailed) -> None:
        self.status.say(f"details not loaded: {event.error}", "error")
        for screen in self._detail_screens():
            screen.show_error(event.invoice, f"{event.error} (r retries)")
        current = self.current
        if current and (current.account, current.id) == (event.invoice.account, event.invoice.id):
            self.detail.show_error(f"{event.error} (r retries)")

    @on(msg.ExportReady)
    def _export_ready(self, event: msg.ExportReady) -> None:
        self.invoice_app.deliver_export(event)

    @on(DetailPane.DetailsWanted)
    def _details_wanted(self, event: DetailPane.DetailsWanted) -> None:
        event.stop()
        self.want_details(event.invoice)

    # ------------------------------------------------------------------ rows

    def _schedule_flush(self, *, rebuild: bool = False) -> None:
        """Coalesce bursts of pages: at most one table update per FLUSH_INTERVAL.

        `rebuild`: an account finished (or the cache was read, or a reload began): replace
        the table's rows once queued messages are handled, without waiting for the interval.
        """
        self._rebuild_needed = self._rebuild_needed or rebuild
        wait = 0.0 if rebuild else self._last_flush + FLUSH_INTERVAL - monotonic()
        if self._rows_pending:
            if wait > 0 or self._flush_timer is None:
                return
            self._flush_timer.stop()  # a page scheduled it for later: do it sooner
        self._rows_pending = True
        if wait > 0:
            self._flush_timer = self.set_timer(wait, self._flush_rows)
        else:
            self._flush_timer = None
            self.call_later(self._flush_rows)

    @property
    def rows_pending(self) -> bool:
        """True while a table rebuild is scheduled (tests wait for it)."""
        return self._rows_pending

    def _flush_rows(self) -> None:
        if not self._rows_pending:  # a sooner update already ran
            return
        if self._rebuild_needed:
            self._rebuild_rows()
        else:
            self._append_pending()

    def _settle_flush(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.stop()
        self._rows_pending = False
        self._flush_timer = None
        self._last_flush = monotonic()

    def _append_pending(self) -> None:
        """Pages of still-loading accounts: into the table in place, no re-sort of the rest."""
        self._settle_flush()
        rows, self._append_queue = self._append_queue, []
        self.table.append_rows(rows)
        self._after_data_changed()

    def _rebuild_rows(self) -> None:
        self._settle_flush()
        self._rebuild_needed = False
        self._append_queue = []
        self._appended.clear()
        table = self.table
        at_top = table.cursor_index <= 0
        table.set_rows(self.store.scoped(self.scope))
        if at_top and table.cursor_index > 0:
            table.move_cursor(0)  # rows arriving above the first one: the top stays the top
        self._after_data_changed()

    def _after_data_changed(self) -> None:
        everything = self.store.all_invoices()
        self.total_rows = len(everything)
        self.query_one(SummaryStrip).update_data(
            everything, list(self.states), today=self.invoice_app.now().date()
        )
        self._after_rows_changed()
        self._compute_marks(everything)
        for screen in self.app.screen_stack:  # the insight views recompute from the new data
            data_changed = getattr(screen, "data_changed", None)
            if callable(data_changed):
                data_changed()

    def _compute_marks(self, invoices: Sequence[Invoice]) -> None:
        """Flags and changes for the mark column, in a thread (100k invoices); while one runs,
        the next waits for it (pages streaming in), and then reads the newest rows."""
        if self._marks_running:
            self._marks_dirty = True
            return
        self._marks_running = True
        app = self.invoice_app
        today, accounts = app.now().date(), list(self.states)

        def work() -> None:
            try:
                marks = compute_marks(invoices, today, app.cache, accounts)
            except Exception:
                log.exception("computing the table's marks failed")
                marks = Marks()
            self.post_message(msg.MarksReady(marks))

        # Not exclusive: a thread cannot be stopped, and the guard above already keeps one.
        self.run_worker(work, name="marks", group="marks", thread=True,
                        exit_on_error=False)  # fmt: skip

    @on(msg.MarksReady)
    def _marks_ready(self, event: msg.MarksReady) -> None:
        self._marks_running = False
        if self._marks_dirty:
            self._marks_dirty = False
            self._compute_marks(self.store.all_invoices())
        marks = event.marks
        self.marks.flags, self.marks.changed, self.marks.since = (
            marks.flags, marks.changed, marks.since)  # fmt: skip
        self.table.redraw_rows()

    def _after_rows_changed(self) -> None:
        """After data, scope or filter changed: title, notice, and an empty detail if no rows."""
        self._update_title()
        self._update_notice()
        if self.table.visible_count == 0:
            self.current = None
            self._show_detail()

    def _update_title(self) -> None:
        table = self.table
        parts = [f"Invoices {table.visible_count} of {self.total_rows}"]
        if self.scope != ALL:
            parts.append(self.scope.replace(":", ": ", 1))
        if table.filter_text:
            parts.append(f"filter: {clean_text(table.filter_text, one_line=True)}")
        table.border_title = Content(" · ".join(parts))
        label = self.sort_label()
        table.border_subtitle = Content(f"sort: {label}") if label else None

    def _update_notice(self) -> None:
        states = self.store.scope_states(self.scope)
        lines = self.store.notice_lines(self.scope)
        if self.table.visible_count == 0:
            if self.table.filter_text:
                lines.append("No invoices match the filter (Esc clears it)")
            elif any(s.phase == "loading" for s in states):
                lines.append("Loading…")
            elif states:
                lines.append("No invoices here")
        notice = self.query_one("#notice", Static)
        notice.update(Content(clean_text("\n".join(lines))))
        notice.display = bool(lines)
        notice.set_class(any(s.phase == "failed" for s in states), "-error")

    def _state_changed(self, state: AccountState) -> None:
        self.sidebar.update_state(state, self.invoice_app.now())
        self._update_notice()
        self._update_freshness()
        self._show_waiting()

    def _show_waiting(self) -> None:
        """Until the first account reports: "Loading…", not "Nothing owed." / "No invoices"."""
        states = self.states.values()
        waiting = bool(states) and all(s.phase == "loading" and not s.count for s in states)
        self.query_one(SummaryStrip).set_loading(waiting)
        text = "Loading…" if waiting else "No invoices"
        if self.table.empty_text != text:
            self.table.empty_text = text
            self.table.refresh()

    def _update_freshness(self) -> None:
        states = [s for s in self.store.scope_states(self.scope) if s.fetched_at is not None]
        if not states:
            self.status.set_freshness("")
            return
        oldest = min(s.fetched_at for s in states if s.fetched_at is not None)
        app = self.invoice_app
        self.status.set_freshness(ago_text(oldest, app.now(), app.tz))

    def _tick(self) -> None:
        self.sidebar.refresh_ages(self.invoice_app.now())
        self._update_freshness()

    # ------------------------------------------------------------------ events

    @on(Sidebar.ScopeChanged)
    def _scope_changed(self, event: Sidebar.ScopeChanged) -> None:
        self.scope = event.scope
        self._rebuild_rows()
        self._update_freshness()

    @on(Sidebar.Chosen)
    def _scope_chosen(self, event: Sidebar.Chosen) -> None:
        self.table.focus()

    @on(VirtualTable.Highlighted)
    def _highlighted(self, event: VirtualTable.Highlighted) -> None:
        if event.table is not self.table:
            return
        self.current = event.row
        self._show_detail()

    @on(VirtualTable.Selected)
    def _selected(self, event: VirtualTable.Selected) -> None:
        if event.table is not self.table:
            return
        event.stop()
        self.current = event.row
        self.action_drill_in()

    @on(VirtualTable.Changed, "#invoices")
    def _table_changed(self, event: VirtualTable.Changed) -> None:
        self._update_title()
        # Rows arrived, or a filter, sort or scope changed the count while the cursor stayed
        # on the same row (no Highlighted): "(i of n)" must still follow the table.
        if self.current is not None and self.detail.position != self.position():
            self._show_detail()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self._after_rows_changed()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.table.set_filter(event.value)
        self.query_one("#filter", FilterInput).display = False
        self.table.focus()
        self._after_rows_changed()

    def position(self) -> tuple[int, int] | None:
        if self.current is None:
            return None
        return (self.table.cursor_index + 1, self.table.visible_count)

    def shown_invoice(self) -> Invoice | None:
        current = self.current
        if current is None:
            return None
        return self.store.details.get((current.account, current.id), current)

    def _show_detail(self) -> None:
        self.detail.show_invoice(self.shown_invoice(), self.position())

    def visible_rows(self) -> Sequence[Invoice]:
        return self.table.rows_visible

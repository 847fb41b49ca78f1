"""The main screen's layout, state and data flow (its keys are in screens/main.py).

Its state is a few `var`s (scope, highlighted invoice, detail visibility, row total) that the
widgets are bound to or watch; its loader's workers post messages here, and this is the one
place that turns them, failures included, into what the widgets show.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, date
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import DescendantFocus, Resize
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from invoicetui.config.keys import keys_for
from invoicetui.config.options import FetchMode
from invoicetui.core.model import AccountSnapshot, Invoice
from invoicetui.core.sanitize import clean_text
from invoicetui.tui import messages as msg
from invoicetui.tui import startup
from invoicetui.tui.keymap import key_label
from invoicetui.tui.loader import Loader
from invoicetui.tui.marks import Marks, compute_marks
from invoicetui.tui.rows import invoice_columns, invoice_key
from invoicetui.tui.screens.feed import RowFeed
from invoicetui.tui.screens.rounds import Outcome, RefreshRound
from invoicetui.tui.screens.store import InvoiceStore, in_scope
from invoicetui.tui.session import Session
from invoicetui.tui.widgets.detail import DetailPane
from invoicetui.tui.widgets.invoices import FilterBar, InvoiceTable, search_text_on
from invoicetui.tui.widgets.sidebar import ALL, AccountState, Sidebar
from invoicetui.tui.widgets.statusbar import StatusBar, Tone, ago_text
from invoicetui.tui.widgets.summary import SHORT_LINES, TALL_LINES, Coverage, SummaryStrip
from invoicetui.tui.widgets.table import VirtualTable

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

KNOWN = frozenset({"ok", "stale", "offline"})  # phases of an account whose data is shown
OLD = frozenset({"stale", "failed", "offline"})  # phases whose rows may be out of date
TINY_WIDTH = 70  # below this the sidebar shows only while it has focus (h or Esc)
# The sidebar sizes to the account names, within a limit per terminal width.
SIDEBAR_LIMITS = ((140, 34), (100, 26), (0, 20))
NARROW_WIDTH = 140  # below this the detail pane leaves the side of the table
SHORT_HEIGHT = 32  # below this the summary strip is capped, so the table keeps its rows


class Browser(Screen[None]):
    """Layout plus state: invoices per account, account states, scope, filter."""

    AUTO_FOCUS = "#invoices"  # not the sidebar first: each focus change restyles a subtree
    scope: var[str] = var(ALL, init=False)  # the sidebar's entry: "all", "provider:x", "account:x"
    current: var[Invoice | None] = var(None, always_update=True, init=False)  # the highlighted row
    detail_hidden: var[bool] = var(False, init=False)  # wide terminals: p hides the detail pane
    total_rows: var[int] = var(0, init=False)  # rows of every account, whatever the scope

    def __init__(self, session: Session) -> None:
        super().__init__(id="main")
        self.session = session
        self.store = InvoiceStore(session.setup.accounts, offline=session.offline)
        self.feed = RowFeed(self, self._rebuild_rows, self._append_rows)
        self.round = RefreshRound()  # the accounts the last r, R or F is still loading
        self.row_before_filter: tuple[str, str] | None = None  # Esc puts the cursor back
        self.marks = Marks()  # flags and changes, shown beside the table's rows
        self._marks_running = False
        self._marks_dirty = False
        self._first_loads: dict[str, int] = {}  # account -> generation of its first load
        self._starting = True

    def today(self) -> date:
        """The UTC day lateness is counted from (the app's clock: fixed in tests)."""
        return self.session.now().astimezone(UTC).date()

    @property
    def states(self) -> dict[str, AccountState]:
        return self.store.states

    @property
    def generations(self) -> dict[str, int]:
        return self.store.generations

    @property
    def starting(self) -> bool:
        """True until the first frame is on screen and the first loads have begun (tests wait)."""
        return self._starting

    @property
    def rows_pending(self) -> bool:
        """True while a table update is scheduled (tests wait for it)."""
        return self.feed.pending

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        # Size classes before the first layout: set after mount, each restyles the whole tree.
        self.set_class(self.app.size.width < NARROW_WIDTH, "-narrow")
        self.set_class(self.app.size.height < SHORT_HEIGHT, "-short")
        yield Header(show_clock=False)
        if self.session.setup.demo:
            yield Static(Content(self.session.demo_hint()), id="demo-hint")
        yield SummaryStrip(id="summary")
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with Horizontal(id="content"):
                with Vertical(id="table-area"):
                    yield FilterBar(id="filter-bar")
                    yield Static("", id="notice", markup=False)
                    yield InvoiceTable(
                        invoice_columns(self.today),
                        search_text=search_text_on(self.today),
                        row_key=invoice_key,
                        empty_text="No invoices",
                        id="invoices",
                    ).data_bind(Browser.scope, total=Browser.total_rows)
                detail = DetailPane(id="detail")
                detail.notes = self.invoice_notes
                # Hidden from the start on a narrow terminal: its tabs are then built only
                # when it is first shown (p), not before the first frame.
                detail.display = self.app.size.width >= NARROW_WIDTH
                yield detail
        yield StatusBar(id="status")
        yield Footer()
        yield Loader(self.session)

    def on_mount(self) -> None:
        setup = self.session.setup
        self.sidebar.set_accounts(list(self.states.values()), self.session.now())
        self.query_one(FilterBar).show(False)
        self.query_one("#notice", Static).display = False
        self._apply_size(self.size.width, self.size.height)
        self.table.row_mark = self.marks.gutter  # flags (!) and changes (+ •) beside the rows
        self.table.focus()
        self.table.update_title()
        if not setup.accounts:
            self.status.say("No accounts configured; add one to the config file (see README)")
        self._paint_early(self.session.reads.early())
        # The loads (threads, and the network) start once the first frame is on screen.
        self.call_after_refresh(self._after_first_frame)
        self.set_interval(30, self._tick)

    def _paint_early(self, early: dict[str, AccountSnapshot]) -> None:
        """Rows read at start-up go in the first frame, not through messages after it."""
        for name, snapshot in early.items():
            if self.store.cache_loaded(name, snapshot):
                self._state_changed(self.states[name])
        if early:
            self._marks_running = True  # their thread too waits for the first frame
            self._marks_dirty = True
            self._rebuild_rows()

    def _after_first_frame(self) -> None:
        for name in self.states:
            self.start_load(name, self.session.setup.mode)
        self._first_loads = dict(self.generations)
        self._starting = False
        if self._marks_dirty:
            self._marks_running = self._marks_dirty = False
            self._compute_marks(self.store.all_invoices())
        startup.first_frame_shown()

    def _first_load_done(self, account: str, generation: int) -> None:
        """Once every first load has reported, the start-up warnings (TLS) have the last word
        on the status line: a failure said a moment later must not hide them."""
        if self._first_loads.get(account) == generation:
            del self._first_loads[account]
            if not self._first_loads:
                for text in self.session.start_warnings:
                    self.call_later(self.say, text, "error")

    @property
    def loader(self) -> Loader:
        return self.query_one(Loader)

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

    def say(self, text: str, tone: Tone = "info") -> None:
        self.status.say(text, tone)

    def on_resize(self, event: Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        self.set_class(width < NARROW_WIDTH, "-narrow")
        self.set_class(width < TINY_WIDTH, "-tiny")
        limit = next(w for at, w in SIDEBAR_LIMITS if width >= at)
        self.sidebar.styles.width = self.sidebar.wanted_width(limit)
        self.set_class(height < SHORT_HEIGHT, "-short")
        summary = self.query_one(SummaryStrip)
        summary.set_max_lines(SHORT_LINES if height < SHORT_HEIGHT else TALL_LINES)
        self._apply_detail_visibility()

    def watch_detail_hidden(self) -> None:
        self._apply_detail_visibility()

    def _apply_detail_visibility(self) -> None:
        # Narrow: the pane is hidden until asked for (p), Enter opens it full screen.
        narrow = self.has_class("-narrow")
        hidden = self.detail_hidden if not narrow else not self.has_class("-show-detail")
        self.detail.display = not hidden

    # ------------------------------------------------------------------ loading

    def start_load(self, account: str, mode: FetchMode) -> None:
        generation = self.store.begin(account)
        if self.feed.appended(account):  # its streamed rows leave the store: and the table
            self.feed.schedule(rebuild=True)
        self._state_changed(self.states[account])
        self.loader.load_account(account, mode, generation)

    @on(msg.CacheLoaded)
    def _cache_loaded(self, event: msg.CacheLoaded) -> None:
        snapshot = event.snapshot
        if snapshot is not None and self.store.invoices.get(event.account) is snapshot.invoices:
            return  # painted already, in the first frame (_paint_early)
        if self.store.is_current(event.account, event.generation) and self.store.cache_loaded(
            event.account, event.snapshot
        ):
            self.feed.schedule(rebuild=True)
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
                    self.feed.queue(account, event.invoices)
                self.feed.schedule()
            # Else its cached (or earlier) rows stay until it finishes: one rebuild then.
            self._state_changed(self.states[account])

    @on(msg.InvoicesLoaded)
    def _loaded(self, event: msg.InvoicesLoaded) -> None:
        if self.store.is_current(event.account, event.generation):
            changed = self.store.loaded(event.account, event.snapshot)
            self.feed.schedule(rebuild=True)
            self._state_changed(self.states[event.account])
            outcome = Outcome(len(event.snapshot.invoices), changed, event.snapshot.error)
            self._round_step(event.account, event.generation, outcome)

    @on(msg.AccountFailed)
    def _failed(self, event: msg.AccountFailed) -> None:
        if self.store.is_current(event.account, event.generation):
            self.store.failed(event.account, event.error)
            self._state_changed(self.states[event.account])
            count = len(self.store.invoices.get(event.account, ()))
            outcome = Outcome(count, 0, str(event.error))
            if not self._round_step(event.account, event.generation, outcome):
                self.say(str(event.error), "error")

    def _round_step(self, account: str, generation: int, outcome: Outcome) -> bool:
        """True if the load was part of a refresh round (which then says how it went)."""
        self._first_load_done(account, generation)
        if not self.round.includes(account, generation):
            return False
        if self.round.finish(account, generation, outcome):
            self.say(*self.round.summary())
        return True

    def key_hint(self, binding_id: str) -> str:
        """The (first) key of a binding, as the user's [keys] table has it: "F", "Ctrl+R"."""
        return key_label(keys_for(binding_id, self.session.keymap).split(",")[0])

    # ------------------------------------------------------------------ rows

    def _append_rows(self, rows: list[Invoice]) -> None:
        """Pages of still-loading accounts: into the table in place, no re-sort of the rest."""
        self.table.append_rows(rows)
        self._after_data_changed()

    def _rebuild_rows(self) -> None:
        self.feed.rebuilt()
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
            everything, list(self.states), today=self.today()
        )
        self._after_rows_changed()
        self._compute_marks(everything)
        for screen in self.app.screen_stack:  # the insight views recompute from the new data
            data_changed = getattr(screen, "data_changed", None)
            if callable(data_changed):
                data_changed()

    # ------------------------------------------------------------------ marks

    def _compute_marks(self, invoices: Sequence[Invoice]) -> None:
        """Flags and changes for the rows' marks, in a thread (100k invoices); while one runs,
        the next waits for it (pages streaming in), and then reads the newest rows."""
        if self._marks_running:
            self._marks_dirty = True
            return
        self._marks_running = True
        session = self.session
        today, accounts = session.now().date(), list(self.states)

        def work() -> None:
            try:
                marks = compute_marks(invoices, today, session.cache, accounts)
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

    def invoice_notes(self, invoice: Invoice) -> list[str]:
        """What the detail says about an invoice: its flags, and whether it changed."""
        from invoicetui.service.insight.flags import flags

        same = self.store.rows_of(invoice.account)
        found = flags(invoice, same, self.session.now().date())
        return [f"{f.mark} {f.sentence}" for f in found] + self.marks.change_sentences(invoice)

    def _after_rows_changed(self) -> None:
        """After data, scope or filter changed: title, notice, and an empty detail if no rows."""
        self.table.update_title()
        self._update_notice()
        self._show_waiting()
        if self.table.visible_count == 0:
            self.current = None

    def _update_notice(self) -> None:
        states = self.store.scope_states(self.scope)
        lines = self.store.notice_lines(self.scope, self.key_hint("retry-failed"))
        if self.table.visible_count == 0:
            if self.table.filter_text:
                pass  # the table itself says "No match" (once)
            elif any(s.phase == "loading" for s in states):
                lines.append("Loading…")
            elif states:
                lines.append("No invoices here")
        notice = self.query_one("#notice", Static)
        notice.update(Content(clean_text("\n".join(lines))))
        notice.display = bool(lines)
        notice.set_class(any(s.phase == "failed" for s in states), "-error")

    def _state_changed(self, state: AccountState) -> None:
        self.sidebar.update_state(state, self.session.now())
        self._update_notice()
        self._update_freshness()
        self._show_waiting()

    def coverage(self) -> Coverage:
        """Accounts whose data the summary stands on, of all, and when the oldest was fetched."""
        states = list(self.states.values())
        known = [s for s in states if s.name in self.store.invoices or s.phase in KNOWN]
        stale = any(s.phase in OLD for s in known)
        times = [s.fetched_at for s in known if s.fetched_at is not None]
        as_of = None
        if times:
            oldest = min(times).astimezone(self.session.tz)
            today = self.session.now().astimezone(self.session.tz).date()
            as_of = f"{oldest:%H:%M}" if oldest.date() == today else f"{oldest:%Y-%m-%d %H:%M}"
        return Coverage(len(known), len(states), stale, as_of)

    def _show_waiting(self) -> None:
        """Until the first account reports: "Loading…", not "Nothing owed." / "No invoices"."""
        states = self.states.values()
        waiting = bool(states) and all(s.phase == "loading" and not s.count for s in states)
        summary = self.query_one(SummaryStrip)
        summary.set_loading(waiting)
        summary.set_coverage(self.coverage())
        text = "Loading…" if waiting else "No invoices"
        if self.table.filter_text:
            shown = clean_text(self.table.filter_text, one_line=True)
            text = f"No match for “{shown}” · Esc clears the filter"
        if self.table.empty_text != text:
            self.table.empty_text = text
            self.table.refresh()

    def _update_freshness(self) -> None:
        states = [s for s in self.store.scope_states(self.scope) if s.fetched_at is not None]
        if not states:
            self.status.set_freshness("")
            return
        oldest = min(s.fetched_at for s in states if s.fetched_at is not None)
        self.status.set_freshness(ago_text(oldest, self.session.now(), self.session.tz))

    def _tick(self) -> None:
        self.sidebar.refresh_ages(self.session.now())
        self._update_freshness()

    # ------------------------------------------------------------------ events

    def watch_scope(self) -> None:
        self._rebuild_rows()
        self._update_freshness()

    def select_scope(self, scope: str) -> None:
        self.sidebar.select_scope(scope)

    @on(Sidebar.ScopeChanged)
    def _scope_changed(self, event: Sidebar.ScopeChanged) -> None:
        self.scope = event.scope

    @on(Sidebar.Chosen)
    def _scope_chosen(self, event: Sidebar.Chosen) -> None:
        self.remove_class("-sidebar-open")
        self.table.focus()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if event.widget is not self.sidebar:
            self.remove_class("-sidebar-open")

    def open_sidebar(self) -> None:
        """Focus the accounts; on a tiny terminal they show only while focused."""
        if self.has_class("-tiny"):
            self.add_class("-sidebar-open")
        self.sidebar.focus()

    def watch_current(self) -> None:
        self._show_detail()

    @on(VirtualTable.Highlighted)
    def _highlighted(self, event: VirtualTable.Highlighted) -> None:
        if event.table is self.table:
            self.current = event.row

    @on(VirtualTable.Changed, "#invoices")
    def _table_changed(self, event: VirtualTable.Changed) -> None:
        self.table.update_title()
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
        self.query_one(FilterBar).show(False)
        self.table.focus()
        if not event.value:
            self.restore_row()  # Esc (or an empty filter): back on the row it was on
        self._after_rows_changed()

    def restore_row(self) -> None:
        """Put the cursor back on the row it was on when "/" was pressed, if it is shown."""
        key, self.row_before_filter = self.row_before_filter, None
        if key is not None:
            self.table.select_row(lambda row: (row.account, row.id) == key)

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

"""The main screen's layout, state and data flow (keys: main.py; fit: panes.py; words: telling.py).

Its state is a few `var`s (scope, highlighted invoice, detail, row total) the widgets bind to or
watch; the loader's workers post messages here, the one place that turns them into the view.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from invoicetui.config.keys import keys_for
from invoicetui.config.options import FetchMode
from invoicetui.core.model import AccountSnapshot, Invoice
from invoicetui.tui import messages as msg
from invoicetui.tui.keymap import key_label
from invoicetui.tui.loader import Loader
from invoicetui.tui.marks import Marks
from invoicetui.tui.rows import invoice_columns, invoice_key
from invoicetui.tui.screens import telling
from invoicetui.tui.screens.feed import RowFeed
from invoicetui.tui.screens.marking import Marking
from invoicetui.tui.screens.panes import NARROW_WIDTH, Panes
from invoicetui.tui.screens.rounds import Outcome, RefreshRound
from invoicetui.tui.screens.starting import FOOTER_STAND_IN, HEADER_STAND_IN, FirstFrame, mount_bars
from invoicetui.tui.screens.store import InvoiceStore, in_scope
from invoicetui.tui.session import Session
from invoicetui.tui.widgets.detail import DetailPane
from invoicetui.tui.widgets.invoices import InvoiceTable, search_text_on
from invoicetui.tui.widgets.sidebar import ALL, AccountState, Sidebar
from invoicetui.tui.widgets.statusbar import StatusBar
from invoicetui.tui.widgets.summary import Coverage, SummaryStrip
from invoicetui.tui.widgets.table import VirtualTable

if TYPE_CHECKING:
    from textual.widgets import Input


class Browser(Panes):
    """Layout plus state: invoices per account, account states, scope, filter."""

    AUTO_FOCUS = "#invoices"  # not the sidebar first: each focus change restyles a subtree
    scope: var[str] = var(ALL, init=False)  # the sidebar's entry: "all", "provider:x", "account:x"
    current: var[Invoice | None] = var(None, always_update=True, init=False)  # the highlighted row
    # All accounts' rows as the table holds them: the sidebar's and the table's one count.
    total_rows: var[int] = var(0, init=False)

    def __init__(self, session: Session) -> None:
        super().__init__(id="main")
        self.session = session
        self.store = InvoiceStore(session.setup.accounts, offline=session.offline)
        self.feed = RowFeed(self, self._rebuild_rows, self._append_rows)
        self.round = RefreshRound()  # the accounts the last r, R or F is still loading
        self.shown_counts: dict[str, int] = {}  # rows per account as the "All" table has them
        self.row_before_filter: tuple[str, str] | None = None  # Esc puts the cursor back
        # Flags and changes, shown beside the table's rows (computed in a thread).
        self.marking = Marking(self, session, lambda: list(self.states))
        self._notice_text = ""  # what #notice shows (updated only when it changes)
        self.first_frame = FirstFrame(  # says its warnings after what a load's handler says
            session.start_warnings, lambda text: self.call_later(self.say, text, "error")
        )

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
        return self.first_frame.starting

    @property
    def rows_pending(self) -> bool:
        """True while a table update is scheduled (tests wait for it)."""
        return self.feed.pending

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        self.set_size_classes(*self.app.size, restyle=False)  # before anything is styled
        yield HEADER_STAND_IN()  # the header and footer come right after the first frame
        if self.session.setup.demo:
            yield Static(Content(self.session.demo_hint()), id="demo-hint")
        yield SummaryStrip(id="summary")
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar").data_bind(total=Browser.total_rows)
            with Horizontal(id="content"):
                with Vertical(id="table-area"):
                    yield (notice := Static("", id="notice", markup=False))
                    notice.display = False  # until there is something to say
                    yield InvoiceTable(
                        invoice_columns(self.today),
                        search_text=search_text_on(self.today),
                        row_key=invoice_key,
                        empty_text="No invoices",
                        id="invoices",
                    ).data_bind(Browser.scope, total=Browser.total_rows)
                detail = DetailPane(id="detail")
                detail.notes = self.invoice_notes
                # Hidden at start on a narrow terminal: built on its first show (p), not before.
                detail.display = self.app.size.width >= NARROW_WIDTH
                yield detail
        yield StatusBar(id="status")
        yield FOOTER_STAND_IN()
        yield Loader(self.session)

    def on_mount(self) -> None:
        setup = self.session.setup
        self.sidebar.set_accounts(list(self.states.values()), self.session.now())
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
            self.marking.hold()  # its thread too waits for the first frame
            self._rebuild_rows()

    def _after_first_frame(self) -> None:
        mount_bars(self)
        for name in self.states:
            self.start_load(name, self.session.setup.mode)
        self.first_frame.shown(self.generations)
        self.marking.release(self.store.all_invoices)

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
        self.first_frame.load_done(account, generation)
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
        for name in self.states:  # the accounts whose pages are appended (nothing cached)
            if not self.store.invoices.get(name):
                self.shown_counts[name] = len(self.store.rows_of(name))
        self._after_data_changed()

    def _rebuild_rows(self) -> None:
        self.feed.rebuilt()
        table = self.table
        at_top = table.cursor_index <= 0
        table.set_rows(self.store.scoped(self.scope))
        if at_top and table.cursor_index > 0:
            table.move_cursor(0)  # rows arriving above the first one: the top stays the top
        self.shown_counts = {name: len(self.store.rows_of(name)) for name in self.states}
        self._after_data_changed()

    def _after_data_changed(self) -> None:
        """After rows reached the table: one count for both panes, then the summary, marks."""
        everything = self.store.all_invoices()
        # Not len(everything): the count follows the table, which may hold back pages loading.
        self.total_rows = sum(self.shown_counts.values())
        self.query_one(SummaryStrip).update_data(everything, list(self.states), today=self.today())
        self._after_rows_changed()
        self.marking.compute(everything)
        for screen in self.app.screen_stack:  # the insight views recompute from the new data
            data_changed = getattr(screen, "data_changed", None)
            if callable(data_changed):
                data_changed()

    # ------------------------------------------------------------------ marks

    @property
    def marks(self) -> Marks:
        return self.marking.marks

    @on(msg.MarksReady)
    def _marks_ready(self, event: msg.MarksReady) -> None:
        self.marking.ready(event.marks, self.store.all_invoices)
        self.table.redraw_rows()

    def invoice_notes(self, invoice: Invoice) -> list[str]:
        """What the detail says about an invoice: its flags, and whether it changed."""
        from invoicetui.service.insight.flags import flags

        same = self.store.rows_of(invoice.account)
        found = flags(invoice, same, self.session.now().date())
        return [f"{f.mark} {f.sentence}" for f in found] + self.marks.change_sentences(invoice)

    # ------------------------------------------------------------------ state, in words

    def _after_rows_changed(self) -> None:
        """After data, scope or filter changed: title, notice, and an empty detail if no rows."""
        self.table.update_title()
        self._update_notice()
        self._show_waiting()
        if self.table.visible_count == 0:
            self.current = None

    def _update_notice(self) -> None:
        table = self.table
        text, failed = telling.notice(
            self.store, self.scope, self.key_hint("retry-failed"), table.visible_count,
            bool(table.filter_text),
        )  # fmt: skip
        notice = self.query_one("#notice", Static)
        if text != self._notice_text:  # unchanged (most pages of a load): no relayout
            self._notice_text = text
            notice.update(Content(text))
        notice.display = bool(text)
        notice.set_class(failed, "-error")

    def _state_changed(self, state: AccountState) -> None:
        self.sidebar.update_state(state, self.session.now())
        self._update_notice()
        self._update_freshness()
        self._show_waiting()

    def coverage(self) -> Coverage:
        """Accounts whose data the summary stands on, of all, and when the oldest was fetched."""
        return telling.coverage(self.store, self.session.now(), self.session.tz)

    def _show_waiting(self) -> None:
        """Until the first account reports: "Loading…", not "Nothing owed." / "No invoices"."""
        waiting = telling.waiting(self.states.values())
        summary = self.query_one(SummaryStrip)
        summary.set_loading(waiting)
        summary.set_coverage(self.coverage())
        text = telling.empty_text(waiting, self.table.filter_text)
        if self.table.empty_text != text:
            self.table.empty_text = text
            self.table.refresh()

    def _update_freshness(self) -> None:
        states = self.store.scope_states(self.scope)
        self.status.set_freshness(telling.freshness(states, self.session.now(), self.session.tz))

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

    # By name, not @on(Input...): Input is imported with the filter box, on the first "/".
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "filter":
            return
        self.table.set_filter(event.value)
        self._after_rows_changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "filter":
            return
        self.table.set_filter(event.value)
        self.hide_filter_bar()
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

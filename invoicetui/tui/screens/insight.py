"""What every insight view shares: the invoices on the main screen, a worker that computes off
the event loop, "Computing…" until it is done, and recomputing when the data changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from invoicetui.core.model import Invoice
from invoicetui.tui.keymap import bind
from invoicetui.tui.views import view_bindings

if TYPE_CHECKING:
    from invoicetui.tui.screens.browser import Browser
    from invoicetui.tui.screens.main import MainScreen
    from invoicetui.tui.session import Session

T = TypeVar("T")
RECOMPUTE_DELAY = 0.5  # seconds: pages streaming in cause one recompute, not one per page


class InsightPart:
    """Marks the screens of the views (a view, the invoices behind a figure, line items)."""


def main_screen(screen: Screen[Any]) -> MainScreen:
    """The invoice browser under the views: it holds the invoices they are computed from."""
    from invoicetui.tui.screens.main import MainScreen

    for candidate in reversed(screen.app.screen_stack):
        if isinstance(candidate, MainScreen):
            return candidate
    raise LookupError("the main screen is not on the stack")


def current_invoices(main: Browser) -> list[Invoice]:
    """Every invoice the main screen holds, with the details loaded so far in place."""
    details = main.store.details
    rows = main.store.all_invoices()
    if not details:
        return rows
    return [details.get((inv.account, inv.id), inv) for inv in rows]


class Computed(Message, Generic[T]):
    """A view's figures, computed in a worker thread."""

    def __init__(self, generation: int, result: T) -> None:
        super().__init__()
        self.generation = generation
        self.result = result


class InsightScreen(InsightPart, Screen[None], Generic[T]):
    """A view over the invoices of the main screen; subclasses compute() and show()."""

    VIEW: ClassVar[str] = ""
    HELP_NOTES: ClassVar[tuple[str, ...]] = ()  # sentences the "?" screen adds (rules)

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "close", "Back", show=True),
        bind("help", "app.help", "Keys", show=True),
        bind("quit", "app.quit", "Quit"),
        bind("refresh-all", "refresh_all", "Refresh all accounts"),
        *view_bindings(),
    ]

    DEFAULT_CSS = """
    InsightScreen { layout: vertical; }
    InsightScreen .view-status { height: auto; padding: 0 1; color: $text-muted; }
    InsightScreen .view-title { height: 1; padding: 0 1; text-style: bold; }
    InsightScreen .view-note { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__(classes="insight-view")
        self.session = session
        self._generation = 0
        self._timer: Timer | None = None
        self.result: T | None = None

    @property
    def main(self) -> MainScreen:
        return main_screen(self)

    def today(self) -> date:
        return self.session.now().date()

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Computing…", classes="view-status", id="view-status", markup=False)
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        # After the first frame ("Computing…"): the worker then competes for the GIL with
        # nothing the user is waiting to see.
        self.call_after_refresh(self.recompute)

    # ------------------------------------------------------------------ computing

    def recompute(self) -> None:
        """Compute in a thread (100k invoices take a while); the newest request wins."""
        self._generation += 1
        generation = self._generation
        invoices = current_invoices(self.main)
        today = self.today()

        def work() -> None:
            self.post_message(Computed(generation, self.compute(invoices, today)))

        # Not exclusive (a thread cannot be stopped): the generation drops stale results.
        self.run_worker(work, name=f"view {self.VIEW}", group=f"view-{self.VIEW}",
                        thread=True, exit_on_error=False)  # fmt: skip

    def compute(self, invoices: Sequence[Invoice], today: date) -> T:
        """In a worker thread: pure computations only, no widgets."""
        raise NotImplementedError

    def show(self, result: T) -> None:
        raise NotImplementedError

    @on(Computed)
    def _computed(self, event: Computed[T]) -> None:
        event.stop()
        if event.generation != self._generation:
            return
        self.result = event.result
        self.status_line("")
        self.show(event.result)

    def status_line(self, text: str) -> None:
        status = self.query_one("#view-status", Static)
        status.update(text)
        status.display = bool(text)

    def data_changed(self) -> None:
        """The main screen's invoices changed: recompute once they settle."""
        if self._timer is not None:
            self._timer.stop()
        if RECOMPUTE_DELAY <= 0:
            self.call_later(self.recompute)
        else:
            self._timer = self.set_timer(RECOMPUTE_DELAY, self.recompute)

    # ------------------------------------------------------------------ actions

    def action_close(self) -> None:
        self.dismiss(None)

    def action_refresh_all(self) -> None:
        """R: fetch every account again; the view recomputes when the data is in."""
        self.status_line("Refreshing every account…")
        self.main.action_refresh_all()

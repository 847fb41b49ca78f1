"""The main screen's panes: finding them, and fitting them to the terminal's size.

Size classes (-narrow, -tiny, -short) restyle the tree; the sidebar sizes to the account
names within a limit per width; below NARROW_WIDTH the detail leaves the side of the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.events import DescendantFocus, Resize, ScreenResume
from textual.reactive import var
from textual.screen import Screen

from invoicetui.tui.loader import Loader
from invoicetui.tui.widgets.detail import DetailPane
from invoicetui.tui.widgets.invoices import InvoiceTable
from invoicetui.tui.widgets.sidebar import Sidebar
from invoicetui.tui.widgets.statusbar import StatusBar, Tone
from invoicetui.tui.widgets.summary import ROOMY_LINES, SHORT_LINES, TALL_LINES, SummaryStrip

if TYPE_CHECKING:
    from invoicetui.tui.widgets.filter_bar import FilterBar

TINY_WIDTH = 70  # below this the sidebar shows only while it has focus (h or Esc)
# The sidebar sizes to the account names, within a limit per terminal width.
SIDEBAR_LIMITS = ((140, 34), (100, 26), (0, 20))
NARROW_WIDTH = 140  # below this the detail pane leaves the side of the table
SHORT_HEIGHT = 32  # below this the summary strip is capped, so the table keeps its rows
ROOMY_HEIGHT = 44  # from this the strip has a row for the month letters under the sparklines


class Panes(Screen[None]):
    """The widgets by role, and the layout that follows the terminal's size."""

    detail_hidden: var[bool] = var(False, init=False)  # wide terminals: p hides the detail pane
    _resumed_once = False

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

    async def filter_bar(self) -> FilterBar:
        """The "/" box, mounted above the table on first use (not needed for the first frame).

        Awaited, in the priority "/" (commands.py): the app routes the keys typed right after
        it only once the box is mounted and focused (else the table's bindings took them).
        """
        bar = self.existing_filter_bar()
        if bar is None:
            from invoicetui.tui.widgets.filter_bar import FilterBar

            bar = FilterBar(id="filter-bar")
            await self.query_one("#table-area").mount(bar, before=0)
            await bar.mount(*bar.parts())
        return bar

    def existing_filter_bar(self) -> FilterBar | None:
        """The "/" box, if "/" was ever pressed."""
        from invoicetui.tui.widgets.filter_bar import FilterBar

        return next(iter(self.query(FilterBar)), None)

    def hide_filter_bar(self) -> None:
        if bar := self.existing_filter_bar():
            bar.show(False)

    @property
    def status(self) -> StatusBar:
        return self.query_one("#status", StatusBar)

    def say(self, text: str, tone: Tone = "info") -> None:
        self.status.say(text, tone)

    def on_screen_resume(self, event: ScreenResume) -> None:
        # Textual restyles every node when a screen resumes; on the first resume they were all
        # styled at mount a moment ago (~25M instructions before the first frame for nothing).
        if not self._resumed_once:
            self._resumed_once = True
            event.refresh_styles = False

    def on_resize(self, event: Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    def set_size_classes(self, width: int, height: int, *, restyle: bool = True) -> None:
        """-narrow, -tiny, -short. Each change restyles the whole tree, unless restyle=False:
        in compose, where they style only what composes next (no rule styles the screen)."""
        self.set_class(width < NARROW_WIDTH, "-narrow", update=restyle)
        self.set_class(width < TINY_WIDTH, "-tiny", update=restyle)
        self.set_class(height < SHORT_HEIGHT, "-short", update=restyle)

    def _apply_size(self, width: int, height: int) -> None:
        self.set_size_classes(width, height)
        limit = next(w for at, w in SIDEBAR_LIMITS if width >= at)
        self.sidebar.styles.width = self.sidebar.wanted_width(limit)
        summary = self.query_one(SummaryStrip)
        lines = TALL_LINES if height < ROOMY_HEIGHT else ROOMY_LINES
        summary.set_max_lines(SHORT_LINES if height < SHORT_HEIGHT else lines)
        self._apply_detail_visibility()

    def watch_detail_hidden(self) -> None:
        self._apply_detail_visibility()

    def _apply_detail_visibility(self) -> None:
        # Narrow: the pane is hidden until asked for (p), Enter opens it full screen.
        narrow = self.has_class("-narrow")
        hidden = self.detail_hidden if not narrow else not self.has_class("-show-detail")
        self.detail.display = not hidden

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if event.widget is not self.sidebar:
            self.remove_class("-sidebar-open")

    def open_sidebar(self) -> None:
        """Focus the accounts; on a tiny terminal they show only while focused."""
        if self.has_class("-tiny"):
            self.add_class("-sidebar-open")
        self.sidebar.focus()

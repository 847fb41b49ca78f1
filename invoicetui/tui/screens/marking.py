"""The table's row marks (flags, changes), computed in a thread as rows change.

One computation at a time: while one runs, the next waits for it (pages streaming in) and
then reads the newest rows, so 100k invoices never queue up a thread per page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from textual.dom import DOMNode

from invoicetui.core.model import Invoice
from invoicetui.tui import messages as msg
from invoicetui.tui.marks import Marks, compute_marks
from invoicetui.tui.session import Session

log = logging.getLogger(__name__)


class Marking:
    """Keeps `marks` (which the table's gutter reads) up to date with the host's rows."""

    def __init__(self, host: DOMNode, session: Session, accounts: Callable[[], list[str]]) -> None:
        self.host = host
        self.session = session
        self.accounts = accounts
        self.marks = Marks()
        self._running = False
        self._dirty = False
        self._held = False

    def compute(self, invoices: Sequence[Invoice]) -> None:
        """Flags and changes of `invoices`; the host hears msg.MarksReady when they are in."""
        if self._running or self._held:
            self._dirty = True
            return
        self._running = True
        session, host = self.session, self.host
        today, accounts = session.now().date(), self.accounts()

        def work() -> None:
            try:
                marks = compute_marks(invoices, today, session.cache, accounts)
            except Exception:
                log.exception("computing the table's marks failed")
                marks = Marks()
            host.post_message(msg.MarksReady(marks))

        # Not exclusive: a thread cannot be stopped, and the guard above already keeps one.
        host.run_worker(work, name="marks", group="marks", thread=True, exit_on_error=False)

    def hold(self) -> None:
        """Until release(): compute() only notes that the rows changed (the first frame first)."""
        self._held = True

    def release(self, newest: Callable[[], Sequence[Invoice]]) -> None:
        """Compute what was held back, on `newest()` (a no-op when nothing was)."""
        held, self._held = self._held, False
        if held and self._dirty and not self._running:
            self._dirty = False
            self.compute(newest())

    def ready(self, marks: Marks, newest: Callable[[], Sequence[Invoice]]) -> None:
        """A computation ended: keep its marks; start the one that waited, on `newest()`."""
        self._running = False
        if self._dirty:
            self._dirty = False
            self.compute(newest())
        self.marks.flags, self.marks.changed, self.marks.since = (
            marks.flags, marks.changed, marks.since)  # fmt: skip

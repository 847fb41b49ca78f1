"""How pages streaming in reach the table: appended in place, or one rebuild, throttled.

Pages of accounts with nothing else on screen are appended (placed in the current sort in
O(k log n)); anything that replaces rows rebuilds the table, at most once per FLUSH_INTERVAL
while pages stream in, and at once when an account finishes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from time import monotonic

from textual.message_pump import MessagePump
from textual.timer import Timer

from invoicetui.core.model import Invoice

FLUSH_INTERVAL = 0.2  # seconds between table updates while pages stream in


class RowFeed:
    """Coalesces table updates; `rebuild()` and `append(rows)` do them on the host's loop."""

    def __init__(
        self,
        host: MessagePump,
        rebuild: Callable[[], None],
        append: Callable[[list[Invoice]], None],
    ) -> None:
        self._host = host
        self._rebuild = rebuild
        self._append = append
        self._pending = False
        self._rebuild_needed = False
        self._last_flush = 0.0
        self._timer: Timer | None = None
        self._queue: list[Invoice] = []
        self._appended: set[str] = set()  # accounts whose table rows came from appends

    @property
    def pending(self) -> bool:
        """True while a table update is scheduled (tests wait for it)."""
        return self._pending

    def appended(self, account: str) -> bool:
        return account in self._appended

    def queue(self, account: str, rows: Iterable[Invoice]) -> None:
        self._queue.extend(rows)
        self._appended.add(account)

    def schedule(self, *, rebuild: bool = False) -> None:
        """At most one table update per FLUSH_INTERVAL; `rebuild` as soon as messages are handled.

        `rebuild`: an account finished (or the cache was read, or a reload began): replace
        the table's rows once queued messages are handled, without waiting for the interval.
        """
        self._rebuild_needed = self._rebuild_needed or rebuild
        wait = 0.0 if rebuild else self._last_flush + FLUSH_INTERVAL - monotonic()
        if self._pending:
            if wait > 0 or self._timer is None:
                return
            self._timer.stop()  # a page scheduled it for later: do it sooner
        self._pending = True
        if wait > 0:
            self._timer = self._host.set_timer(wait, self._flush)
        else:
            self._timer = None
            self._host.call_later(self._flush)

    def _flush(self) -> None:
        if not self._pending:  # a sooner update already ran
            return
        if self._rebuild_needed:
            self._rebuild()
        else:
            self.settle()
            rows, self._queue = self._queue, []
            self._append(rows)

    def settle(self) -> None:
        """An update runs now: nothing stays scheduled."""
        if self._timer is not None:
            self._timer.stop()
        self._pending = False
        self._timer = None
        self._last_flush = monotonic()

    def rebuilt(self) -> None:
        """The table was rebuilt from the store: queued appends are in it."""
        self.settle()
        self._rebuild_needed = False
        self._queue = []
        self._appended.clear()

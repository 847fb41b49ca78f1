"""The main screen's first frame: cached rows in it; the loads, marks and GC after it.

Whatever is not needed to paint the cached rows waits for the first frame (threads compete
with it for the GIL, the first fetch imports httpx); warnings said at start-up (verify_tls =
false) are said again once every first load has reported, so a failure said a moment later
does not hide them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from invoicetui.tui import runtime


class FirstFrame:
    """Start-up state: `starting` until the first frame is on screen, then the first loads."""

    def __init__(self, warnings: list[str], say: Callable[[str], object]) -> None:
        self.starting = True
        self.warnings = warnings  # the session's start_warnings (the app adds to them)
        self.say = say
        self._first_loads: dict[str, int] = {}  # account -> generation of its first load

    def shown(self, generations: Mapping[str, int]) -> None:
        """The first frame is on screen and the first loads (these generations) have begun."""
        self.starting = False
        self._first_loads = dict(generations)
        runtime.first_frame_shown()

    def load_done(self, account: str, generation: int) -> None:
        """A load reported; after the last first load, each start-up warning is said."""
        if self._first_loads.get(account) == generation:
            del self._first_loads[account]
            if not self._first_loads:
                for text in self.warnings:
                    self.say(text)

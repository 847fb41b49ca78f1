"""The main screen's first frame: cached rows in it; the header, footer, loads, marks and GC after.

Whatever is not needed to paint the cached rows waits for the first frame (threads compete
with it for the GIL, the first fetch imports httpx); warnings said at start-up (verify_tls =
false) are said again once every first load has reported, so a failure said a moment later
does not hide them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from textual.widget import Widget

from invoicetui.tui import runtime

# Textual's Header and Footer are eight widgets and six CSS sources (~40M instructions before
# the first frame, callgrind) for a title and keys the next frame shows as well; until then
# these keep their places (dock, height, background: app.tcss).
HEADER_STAND_IN = partial(Widget, id="header-stand-in")
FOOTER_STAND_IN = partial(Widget, id="footer-stand-in")


def mount_bars(screen: Widget) -> None:
    """The header and footer, in the places their stand-ins kept in the first frame."""
    from textual.widgets import Footer, Header

    mounted = [
        screen.mount(bar, before=stand_in)
        for stand_in, bar in (
            (screen.query_one("#header-stand-in"), Header(show_clock=False)),
            (screen.query_one("#footer-stand-in"), Footer()),
        )
    ]
    screen.query("#header-stand-in, #footer-stand-in").remove()

    async def list_keys() -> None:
        for mounting in mounted:
            await mounting
        # The footer listens for binding changes from its mount on: it missed the first ones.
        screen.screen.refresh_bindings()

    screen.call_next(list_keys)


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

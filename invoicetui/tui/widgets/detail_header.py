"""The detail pane's header widgets: title and position, facts and money, notice, flags.

Built in compose when the pane shows from the start, else on its first show: a pane hidden
on a narrow terminal then costs the first frame nothing (these 9 widgets took ~10 ms of it).
"""

from __future__ import annotations

from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static


class HeaderScroll(VerticalScroll, can_focus=False):
    """The facts and money; scrolls (mouse) rather than push the tabs off a short pane."""


def _static(widget_id: str) -> Static:
    return Static(id=widget_id, markup=False)


def header_widgets() -> list[Widget]:
    """For compose."""
    summary = Horizontal(_static("detail-facts"), _static("detail-money"), id="detail-summary")
    return [
        Horizontal(_static("detail-title"), _static("detail-position"), id="detail-top"),
        HeaderScroll(summary, id="detail-header"),
        _static("detail-notice"),
        _static("detail-flags"),
    ]


def mount_header(pane: Widget) -> None:
    """Into a pane already mounted: level by level, so that every widget can be queried at
    once (children given to a container's constructor only join it when it composes)."""
    top, scroll = Horizontal(id="detail-top"), HeaderScroll(id="detail-header")
    summary = Horizontal(id="detail-summary")
    pane.mount(top, scroll, _static("detail-notice"), _static("detail-flags"), before=0)
    top.mount(_static("detail-title"), _static("detail-position"))
    scroll.mount(summary)
    summary.mount(_static("detail-facts"), _static("detail-money"))

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


class PartStyles(Widget):
    """The CSS of the pane's parts, mounted with them: a pane hidden from the start (every
    terminal under 140 columns) parses none of it before the first frame (~3 ms)."""

    SCOPED_CSS = False  # its rules name DetailPane's parts, as they did in DetailPane's own CSS
    DEFAULT_CSS = """
    PartStyles { display: none; }
    DetailPane #detail-top { height: auto; }
    DetailPane #detail-title { width: 1fr; height: auto; }
    DetailPane #detail-position { width: auto; height: 1; margin-left: 2; }
    DetailPane #detail-header { height: auto; max-height: 50%; margin-bottom: 1; }
    DetailPane #detail-summary { height: auto; }
    DetailPane #detail-facts { width: 1fr; height: auto; }
    DetailPane #detail-money { width: auto; height: auto; margin-left: 2; }
    DetailPane.-narrow #detail-summary { layout: vertical; }
    DetailPane.-narrow #detail-money { width: 1fr; margin-left: 0; }
    DetailPane #detail-notice { height: auto; display: none; color: $text-warning; }
    DetailPane #detail-flags { height: auto; max-height: 4; color: $text-warning; }
    DetailPane #detail-notice.-error { color: $text-error; }
    DetailPane.-notice #detail-notice { display: block; }
    DetailPane.-empty #detail-header, DetailPane.-empty #detail-tabs { display: none; }
    DetailPane #detail-tabs { height: 1fr; }
    DetailPane TabPane { padding: 0; height: 1fr; }
    DetailPane #detail-items { height: 1fr; }
    DetailPane .detail-scroll { height: 1fr; }
    DetailPane #detail-raw { height: 1fr; border: none; padding: 0; }
    """


def _static(widget_id: str) -> Static:
    return Static(id=widget_id, markup=False)


def header_widgets() -> list[Widget]:
    """For compose."""
    summary = Horizontal(_static("detail-facts"), _static("detail-money"), id="detail-summary")
    return [
        PartStyles(),
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
    parts = (top, scroll, _static("detail-notice"), _static("detail-flags"))
    pane.mount(PartStyles(), *parts, before=0)
    top.mount(_static("detail-title"), _static("detail-position"))
    scroll.mount(summary)
    summary.mount(_static("detail-facts"), _static("detail-money"))

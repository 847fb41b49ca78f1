"""The insight views (overview, trends, breakdown, changes): one entry each for key, palette, help.

Screens are imported when a view opens, never on the start path.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from invoicetui.tui.keymap import bind

if TYPE_CHECKING:
    from textual.app import App
    from textual.binding import Binding


@dataclass(frozen=True)
class ViewSpec:
    """One view: its binding id (key), palette title and help line, and where its screen is."""

    name: str
    binding_id: str
    title: str
    help: str
    screen: str  # "module:Class"


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("trends", "view-trends", "Trends: month by month",
             "Monthly totals per account for 12 months, changes and anomalies, a chart",
             "invoicetui.tui.screens.trends:TrendsScreen"),
    ViewSpec("breakdown", "view-breakdown", "Breakdown: where the money goes",
             "Line items by project, kind or [groups] label, with shares",
             "invoicetui.tui.screens.breakdown:BreakdownScreen"),
    ViewSpec("changes", "view-changes", "Changes since you last looked",
             "New invoices, status and amount changes found by the last refreshes",
             "invoicetui.tui.screens.changes:ChangesScreen"),
)  # fmt: skip

BY_NAME = {view.name: view for view in VIEWS}


def view_bindings() -> list[Binding]:
    """The keys that open each view, from anywhere."""
    return [bind(v.binding_id, f"app.open_view('{v.name}')", v.title) for v in VIEWS]


def open_view(app: App[Any], name: str) -> None:
    """Open a view over the main screen; from another view it replaces that one."""
    from invoicetui.tui.screens.insight import InsightPart

    spec = BY_NAME[name]
    module, _, cls_name = spec.screen.partition(":")
    screen_cls = getattr(importlib.import_module(module), cls_name)
    if isinstance(app.screen, screen_cls):
        return
    # From within the views (a view, the invoices behind a figure): back to the main screen
    # first, so Esc always leads home in one step per view.
    while len(app.screen_stack) > 2 and isinstance(app.screen, InsightPart):
        app.pop_screen()
    app.push_screen(screen_cls())

"""The insight views (overview, trends, breakdown, changes): which key opens which screen.

Screens are imported when a view opens, never on the start path.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from invoicetui.tui.commands import command

if TYPE_CHECKING:
    from textual.app import App
    from textual.binding import Binding

    from invoicetui.tui.session import Session


@dataclass(frozen=True)
class ViewSpec:
    """One view: its binding id (key, palette entry and help line: its CommandSpec in
    tui/commands.py), and where its screen is."""

    name: str
    binding_id: str
    screen: str  # "module:Class"


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("overview", "view-overview", "invoicetui.tui.screens.overview:OverviewScreen"),
    ViewSpec("trends", "view-trends", "invoicetui.tui.screens.trends:TrendsScreen"),
    ViewSpec("breakdown", "view-breakdown", "invoicetui.tui.screens.breakdown:BreakdownScreen"),
    ViewSpec("changes", "view-changes", "invoicetui.tui.screens.changes:ChangesScreen"),
)

BY_NAME = {view.name: view for view in VIEWS}


def view_bindings() -> list[Binding]:
    """The keys that open each view, from anywhere (their CommandSpecs in tui/commands.py)."""
    return [command(v.binding_id).binding() for v in VIEWS]


def open_view(app: App[Any], session: Session, name: str) -> None:
    """Open a view over the main screen; from another view it replaces that one."""
    from invoicetui.tui.screens.insight import InsightPart

    spec = BY_NAME[name]
    module, _, cls_name = spec.screen.partition(":")
    screen_cls = getattr(importlib.import_module(module), cls_name)
    if isinstance(app.screen, screen_cls):
        return
    # From within the views (a view, the invoices behind a figure): back to the main screen
    # first, so Esc always leads home in one step per view.
    while len(app.screen_stack) > 1 and isinstance(app.screen, InsightPart):
        app.pop_screen()
    app.push_screen(screen_cls(session))

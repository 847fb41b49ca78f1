"""The "/" filter box, built on the first "/" (Input and its CSS are not needed at first paint).

Panes.filter_bar mounts the bar, then its parts, and awaits both before the box takes focus;
"/" being a priority key (commands.py), the app routes the next keys only after that.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from invoicetui.tui.keymap import bind


class FilterInput(Input):
    """The "/" filter: Enter applies and hides, Esc clears and hides."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "clear_filter", "Clear the filter", keys="escape"),
    ]

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(self.Submitted(self, ""))


class FilterBar(Horizontal):
    """ "/ [filter…]  Enter keeps · Esc clears": the box says what it is and how to leave it."""

    DEFAULT_CSS = """
    FilterBar { height: 1; background: $boost; }
    FilterBar #filter-prompt { width: 2; padding-left: 1; color: $accent; text-style: bold; }
    FilterBar #filter {
        width: 1fr; height: 1; border: none; padding: 0 1; background: $boost;
    }
    FilterBar #filter:focus { border: none; background-tint: $accent 20%; }
    FilterBar #filter-hint { width: auto; padding: 0 1; color: $text-muted; }
    """

    @staticmethod
    def parts() -> tuple[Static, FilterInput, Static]:
        """Its children, which Panes.filter_bar mounts itself (and awaits), not compose."""
        return (
            Static("/", id="filter-prompt", markup=False),
            FilterInput(placeholder="id, account, description, status", id="filter"),
            Static("Enter keeps · Esc clears", id="filter-hint", markup=False),
        )

    @property
    def input(self) -> FilterInput:
        return self.query_one("#filter", FilterInput)

    def show(self, visible: bool) -> None:
        self.display = visible
        self.input.display = visible

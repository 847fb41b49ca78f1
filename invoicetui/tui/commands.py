"""Command palette (Ctrl+P): the same actions as the keys, plus "show account ..."."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape
from textual.screen import Screen

from invoicetui.config.keys import DEFAULT_KEYS
from invoicetui.tui.keymap import keys_label

# (title, help, action on the main screen, binding id whose keys the help mentions)
ACTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("Refresh account", "Fetch the selected account again", "refresh", "refresh"),
    ("Refresh all accounts", "Fetch every account again", "refresh_all", "refresh-all"),
    ("Copy invoice id", "Copy the highlighted invoice's id (OSC 52)", "copy_id", "copy-id"),
    ("Copy invoice URL", "Copy the highlighted invoice's URL (OSC 52)", "copy_url", "copy-url"),
    ("Open invoice URL", "Open the invoice's URL and show it", "open_url", "open-url"),
    ("Export visible rows as CSV", "Save the rows on screen as a CSV file", "export", "export"),
    ("Filter invoices", "Filter on id, account, description and status", "filter", "filter"),
    ("Sort by next column", "Choose the sort column", "sort", "sort"),
    ("Reverse sort", "Flip the sort direction", "sort_reverse", "sort-reverse"),
    ("Toggle detail pane", "Hide or show the invoice detail", "toggle_detail", "toggle-detail"),
    ("Next invoice", "Step to the next invoice", "step(1)", "next-invoice"),
    ("Previous invoice", "Step to the previous invoice", "step(-1)", "previous-invoice"),
)


def _keys_hint(binding_id: str, keymap: dict[str, str]) -> str:
    return keys_label(keymap.get(binding_id, DEFAULT_KEYS[binding_id]))


class InvoiceCommands(Provider):
    """Actions of the main screen, and a jump to each account."""

    def _main(self) -> Screen[Any] | None:
        from invoicetui.tui.screens.main import MainScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        from invoicetui.tui.screens.main import MainScreen

        screen = self._main()
        if not isinstance(screen, MainScreen):
            return
        keymap = dict(getattr(self.app, "_keymap", {}))
        for title, help_text, action, binding_id in ACTIONS:
            hint = f"{help_text} ({_keys_hint(binding_id, keymap)})"
            yield title, hint, partial(screen.run_action, action)
        yield "Show keys", "Keys for the focused pane (?)", partial(self.app.run_action, "help")
        from invoicetui.tui.views import VIEWS, open_view

        for view in VIEWS:
            hint = f"{view.help} ({_keys_hint(view.binding_id, keymap)})"
            yield view.title, escape(hint), partial(open_view, self.app, view.name)
        for name, state in screen.states.items():
            yield (
                f"Show account {name}",
                escape(f"Only {name}'s invoices ({state.provider})"),  # help is markup
                partial(screen.sidebar.select_scope, f"account:{name}"),
            )
        yield (
            "Show all accounts",
            "Every account's invoices",
            partial(screen.sidebar.select_scope, "all"),
        )

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)

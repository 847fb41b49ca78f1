"""Command palette (Ctrl+P): the app's commands that work here, its accounts, then Textual's.

Titles and help come from the CommandSpec table, keys from the screen's active bindings (so
a rebound key shows as rebound), and each entry runs exactly what its key would run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from invoicetui.tui.commands import palette_commands
from invoicetui.tui.keymap import bound_keys, key_label
from invoicetui.tui.widgets.sidebar import ALL, AccountState

Entry = tuple[str, str, Callable[[], Any]]

# Textual's own commands that make sense here, after ours and under their own name; the
# rest (Quit, Keys, Maximize) repeat ours or do nothing useful in this layout.
TEXTUAL_COMMANDS = {"Theme": "Textual: change theme", "Screenshot": "Textual: save a screenshot"}


@runtime_checkable
class AccountScopes(Protocol):
    """A screen that can show one account's invoices (the main screen)."""

    @property
    def states(self) -> dict[str, AccountState]: ...

    def select_scope(self, scope: str) -> None: ...


class InvoiceCommands(Provider):
    """The calling screen's commands (with their keys), a jump to each account, then Textual's.

    The only provider (App.COMMANDS), so the order is ours: the palette shows discovery hits
    in the order they are yielded.
    """

    def _commands(self) -> Iterator[Entry]:
        screen = self.screen
        bound = bound_keys(screen)
        for spec in palette_commands():
            keys = bound.get(spec.id)
            if not keys or spec.title is None:
                continue  # no key of it works on this screen now
            active = keys[0][1]
            hint = " ".join(key_label(key) for key, _ in keys)
            run = partial(self.app.run_action, active.binding.action, active.node)
            yield spec.title, f"{spec.help} ({hint})", run
        from invoicetui.tui.paperwork import JournalCommands  # commands without a key

        yield from JournalCommands(screen, self.match_style)._entries()
        if isinstance(screen, AccountScopes):
            for name, state in screen.states.items():
                yield (
                    f"Show account {name}",
                    escape(f"Only {name}'s invoices ({state.provider})"),  # help is markup
                    partial(screen.select_scope, f"account:{name}"),
                )
            yield "Show all accounts", "Every account's invoices", partial(screen.select_scope, ALL)
        for system in self.app.get_system_commands(screen):
            if system.title in TEXTUAL_COMMANDS:
                yield TEXTUAL_COMMANDS[system.title], system.help, system.callback

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)

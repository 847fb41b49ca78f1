"""The sidebar: "All accounts", then each provider with its accounts and their load state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from invoicetui.model import PROVIDER_LABELS, PROVIDERS
from invoicetui.sanitize import clean_text
from invoicetui.tui.keymap import bind

Phase = Literal["loading", "ok", "stale", "offline", "failed"]

ALL = "all"


@dataclass
class AccountState:
    """What the sidebar says about one account."""

    name: str
    provider: str
    phase: Phase = "loading"
    count: int = 0
    done: int = 0
    total: int | None = None
    fetched_at: datetime | None = None
    short_error: str | None = None
    error: str | None = None  # the full, actionable message


def age_text(then: datetime | None, now: datetime) -> str:
    """A short age: "now", "5m", "3h", "2d"."""
    if then is None:
        return "?"
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


# Colour where there is colour; with NO_COLOR the words stay and weight/slant mark them.
STYLES = {
    "loading": ("yellow", "italic"),
    "ok": ("green", ""),
    "stale": ("yellow", "italic"),
    "offline": ("dim", "italic"),
    "failed": ("bold red", "bold reverse"),
    "reason": ("red", "bold"),
}


def style_for(key: str, no_color: bool = False) -> str:
    colour, mono = STYLES[key]
    return mono if no_color else colour


def state_text(state: AccountState, now: datetime, no_color: bool = False) -> Text:
    """The state word of an account row, readable without colour."""
    style = style_for(state.phase, no_color)
    if state.phase == "loading":
        if state.total:
            return Text(f"loading {state.done}/{state.total}", style=style)
        if state.done:
            return Text(f"loading {state.done}", style=style)
        return Text("loading…", style=style)
    if state.phase == "ok":
        return Text(f"ok {state.count}", style=style)
    if state.phase == "stale":
        return Text(f"stale {age_text(state.fetched_at, now)}", style=style)
    if state.phase == "offline":
        return Text(f"offline {age_text(state.fetched_at, now)}", style=style)
    return Text("failed", style=style)


def scope_for_account(name: str) -> str:
    return f"account:{name}"


def scope_for_provider(provider: str) -> str:
    return f"provider:{provider}"


def _row(label: Text, state: Text | None) -> Table:
    grid = Table.grid(expand=True, padding=(0, 1, 0, 0))
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", no_wrap=True)
    grid.add_row(label, state or Text(""))
    return grid


class Sidebar(OptionList):
    """Providers and accounts; highlighting an entry changes the table's scope."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cursor-down", "cursor_down", "Down"),
        bind("cursor-up", "cursor_up", "Up"),
        bind("top", "first", "First"),
        bind("bottom", "last", "Last"),
        bind("page-up", "page_up", "Page up"),
        bind("page-down", "page_down", "Page down"),
        bind("select", "select", "Show this account's invoices"),
    ]

    class ScopeChanged(Message):
        """The highlighted entry changed: "all", "provider:<name>" or "account:<name>"."""

        def __init__(self, scope: str) -> None:
            super().__init__()
            self.scope = scope

    class Chosen(Message):
        """Enter on an entry: the user wants to look at its invoices."""

        def __init__(self, scope: str) -> None:
            super().__init__()
            self.scope = scope

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(markup=False, id=id)
        self._states: dict[str, AccountState] = {}
        self._scope = ALL
        self.border_title = "Accounts"

    @property
    def scope(self) -> str:
        return self._scope

    def set_accounts(self, states: Iterable[AccountState], now: datetime) -> None:
        """Build the entries (once, or when the account list itself changes)."""
        self._states = {state.name: state for state in states}
        options: list[Option] = [Option(self._all_prompt(), id=ALL)]
        providers = [p for p in PROVIDERS if any(s.provider == p for s in self._states.values())]
        providers += sorted({s.provider for s in self._states.values()} - set(PROVIDERS))
        for provider in providers:
            options.append(Option(self._provider_prompt(provider), id=scope_for_provider(provider)))
            for state in self._states.values():
                if state.provider == provider:
                    options.append(
                        Option(self._account_prompt(state, now), id=scope_for_account(state.name))
                    )
        self.clear_options()
        self.add_options(options)
        scope = self._scope if self._scope in self._option_ids() else ALL
        self.highlighted = self.get_option_index(scope)

    def update_state(self, state: AccountState, now: datetime) -> None:
        """Repaint one account row (and the totals) after its state changed."""
        self._states[state.name] = state
        option_id = scope_for_account(state.name)
        if option_id not in self._option_ids():
            self.set_accounts(list(self._states.values()), now)
            return
        self.replace_option_prompt(option_id, self._account_prompt(state, now))
        self.replace_option_prompt(ALL, self._all_prompt())
        self.replace_option_prompt(
            scope_for_provider(state.provider), self._provider_prompt(state.provider)
        )

    def refresh_ages(self, now: datetime) -> None:
        """Ages ("stale 3h") move with the clock."""
        for state in self._states.values():
            if state.phase in ("stale", "offline"):
                self.replace_option_prompt(
                    scope_for_account(state.name), self._account_prompt(state, now)
                )

    def select_scope(self, scope: str) -> None:
        if scope in self._option_ids():
            self.highlighted = self.get_option_index(scope)

    def _option_ids(self) -> set[str]:
        return {option.id for option in self.options if option.id}

    def _all_prompt(self) -> Table:
        count = sum(s.count for s in self._states.values())
        return _row(Text("All accounts", style="bold"), Text(str(count), style="dim"))

    def _provider_prompt(self, provider: str) -> Table:
        states = [s for s in self._states.values() if s.provider == provider]
        failed = sum(1 for s in states if s.phase == "failed")
        label = Text(PROVIDER_LABELS.get(provider, provider), style="bold")
        badge = Text(f"{failed} failed", style=style_for("reason", self.app.no_color))
        return _row(label, badge if failed else None)

    def _account_prompt(self, state: AccountState, now: datetime) -> Table | Group:
        no_color = self.app.no_color
        name = Text("  ") + Text(clean_text(state.name, one_line=True))
        row = _row(name, state_text(state, now, no_color))
        if state.phase != "failed":
            return row
        # The reason gets a line of its own so a narrow sidebar never hides it.
        reason = Text(
            "    " + (state.short_error or "error"),
            style=style_for("reason", no_color),
            no_wrap=True,
        )
        reason.truncate(60, overflow="ellipsis")
        return Group(row, reason)

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        scope = event.option.id or ALL
        if scope != self._scope:
            self._scope = scope
            self.post_message(self.ScopeChanged(scope))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(event.option.id or ALL))

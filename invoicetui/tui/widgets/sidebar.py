"""The sidebar: "All accounts", then each provider with its accounts and their load state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from textual.binding import BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from invoicetui.core.model import PROVIDER_LABELS, PROVIDERS
from invoicetui.core.sanitize import clean_text
from invoicetui.tui.keymap import bind
from invoicetui.tui.widgets.columns import ellipsize
from invoicetui.tui.widgets.sidebar_row import Row, styled

Phase = Literal["loading", "ok", "stale", "offline", "failed"]

ALL = "all"
STATE_WIDTH = 7  # "ok 1234", "stale 3h": what the state word takes beside a name
MIN_WIDTH = 18
REPAINT_INTERVAL = 0.2  # seconds: progress of a loading account repaints at most ~5 times/s


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
    # Not failures, but the user should know (a skipped record, a count that did not match).
    warnings: tuple[str, ...] = ()


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


def state_text(state: AccountState, now: datetime, no_color: bool = False) -> Content:
    """The state word of an account row, readable without colour."""
    style = style_for(state.phase, no_color)
    if state.phase == "loading":
        if state.total:
            return styled(f"loading {state.done}/{state.total}", style)
        if state.done:
            return styled(f"loading {state.done}", style)
        return styled("loading…", style)
    if state.phase == "ok":
        return styled(f"ok {state.count}", style)
    if state.phase == "stale":
        return styled(f"stale {age_text(state.fetched_at, now)}", style)
    if state.phase == "offline":
        return styled(f"offline {age_text(state.fetched_at, now)}", style)
    return styled("failed", style)


def scope_for_account(name: str) -> str:
    return f"account:{name}"


def scope_for_provider(provider: str) -> str:
    return f"provider:{provider}"


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

    # Rows of every account, bound to the main screen's total_rows: "All accounts N" and the
    # table's "n of N" are one number, never two counts that drift apart while loading.
    total: var[int] = var(0, init=False)

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
        # Throttled repaints: what each entry shows now, and the accounts changed since.
        self._shown: dict[str, tuple[str, ...]] = {}
        self._painted: dict[str, tuple[str, int, int | None]] = {}
        self._dirty: set[str] = set()
        self._repaint_timer: Timer | None = None
        self._now: datetime | None = None
        self.border_title = "Accounts"

    @property
    def scope(self) -> str:
        return self._scope

    def watch_total(self) -> None:
        if self._shown:
            self._set_prompt(ALL, self._all_prompt())

    def shown(self, option_id: str) -> tuple[str, ...]:
        """The words an entry shows now: (label, state, reason) (tests read the counts)."""
        return self._shown[option_id]

    def wanted_width(self, limit: int) -> int:
        """Wide enough for the longest account name and its state, within MIN_WIDTH..limit."""
        names = [len(clean_text(s.name, one_line=True)) + 2 for s in self._states.values()]
        label = max([len("All accounts"), *names])
        return max(MIN_WIDTH, min(limit, label + 1 + STATE_WIDTH + 2))  # + borders

    def set_accounts(self, states: Iterable[AccountState], now: datetime) -> None:
        """Build the entries (once, or when the account list itself changes)."""
        self._states = {state.name: state for state in states}
        self._now = now
        self._dirty.clear()
        self._shown.clear()
        prompts: list[tuple[str, Row]] = [(ALL, self._all_prompt())]
        providers = [p for p in PROVIDERS if any(s.provider == p for s in self._states.values())]
        providers += sorted({s.provider for s in self._states.values()} - set(PROVIDERS))
        for provider in providers:
            prompts.append((scope_for_provider(provider), self._provider_prompt(provider)))
            for state in self._states.values():
                if state.provider == provider:
                    self._painted[state.name] = (state.phase, state.done, state.total)
                    prompt = self._account_prompt(state, now)
                    prompts.append((scope_for_account(state.name), prompt))
        options = [Option(prompt, id=option_id) for option_id, prompt in prompts]
        self._shown = {option_id: prompt.plain for option_id, prompt in prompts}
        self.clear_options()
        self.add_options(options)
        scope = self._scope if self._scope in self._option_ids() else ALL
        self.highlighted = self.get_option_index(scope)

    def update_state(self, state: AccountState, now: datetime) -> None:
        """Repaint one account row (and the totals) after its state changed.

        A loading account's page count repaints at most every REPAINT_INTERVAL (each page
        posts progress); a change of phase, or the first count, repaints at once.
        """
        self._states[state.name] = state
        self._now = now
        if scope_for_account(state.name) not in self._option_ids():
            self.set_accounts(list(self._states.values()), now)
            return
        self._dirty.add(state.name)
        painted = self._painted.get(state.name)
        urgent = (
            painted is None
            or painted[0] != state.phase
            or state.phase != "loading"
            or (painted[1] == 0) != (state.done == 0)
            or painted[2] != state.total
        )
        if urgent:
            self.flush_states()
        elif self._repaint_timer is None:
            self._repaint_timer = self.set_timer(REPAINT_INTERVAL, self.flush_states)

    def flush_states(self) -> None:
        """Repaint the entries of accounts changed since the last repaint (only those)."""
        if self._repaint_timer is not None:
            self._repaint_timer.stop()
            self._repaint_timer = None
        dirty, self._dirty = self._dirty, set()
        now = self._now
        if not dirty or now is None:
            return
        providers: set[str] = set()
        for name in dirty:
            state = self._states[name]
            self._painted[name] = (state.phase, state.done, state.total)
            providers.add(state.provider)
            self._set_prompt(scope_for_account(name), self._account_prompt(state, now))
        self._set_prompt(ALL, self._all_prompt())
        for provider in providers:
            self._set_prompt(scope_for_provider(provider), self._provider_prompt(provider))

    def _set_prompt(self, option_id: str, prompt: Row) -> None:
        """Replace one prompt, keeping the other entries' rendered lines (unlike OptionList)."""
        if self._shown.get(option_id) == prompt.plain:
            return  # the same words (styles follow the words)
        old = self._shown.get(option_id)
        self._shown[option_id] = prompt.plain
        option = self.get_option(option_id)
        option._set_prompt(prompt)
        if old is None or bool(old[2]) != bool(prompt.reason):
            self._clear_caches()  # its height changed: the line map must be rebuilt
            return
        cache = self._option_render_cache
        rendered = list(cache.keys())  # LRUCache has no __iter__
        for key in rendered:
            if key[0] is option:
                cache.discard(key)
        self.refresh()

    def refresh_ages(self, now: datetime) -> None:
        """Ages ("stale 3h") move with the clock."""
        for state in self._states.values():
            if state.phase in ("stale", "offline"):
                self._set_prompt(scope_for_account(state.name), self._account_prompt(state, now))

    def select_scope(self, scope: str) -> None:
        if scope in self._option_ids():
            self.highlighted = self.get_option_index(scope)

    def _option_ids(self) -> set[str]:
        return {option.id for option in self.options if option.id}

    def _all_prompt(self) -> Row:
        return Row(Content("All accounts"), styled(str(self.total), "dim"), style="bold")

    def _provider_prompt(self, provider: str) -> Row:
        states = [s for s in self._states.values() if s.provider == provider]
        failed = sum(1 for s in states if s.phase == "failed")
        label = Content(PROVIDER_LABELS.get(provider, provider))
        badge = styled(f"{failed} failed", style_for("reason", self.app.no_color))
        return Row(label, badge if failed else None, style="bold")

    def _account_prompt(self, state: AccountState, now: datetime) -> Row:
        no_color = self.app.no_color
        # Plain Content, never markup: account names come from the user's config.
        name = Content("  " + clean_text(state.name, one_line=True))
        if state.phase != "failed":
            return Row(name, state_text(state, now, no_color))
        # The reason gets a line of its own so a narrow sidebar never hides it.
        reason = styled("    " + (state.short_error or "error"), style_for("reason", no_color))
        return Row(name, state_text(state, now, no_color), ellipsize(reason, 60))

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        scope = event.option.id or ALL
        if scope != self._scope:
            self._scope = scope
            self.post_message(self.ScopeChanged(scope))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(event.option.id or ALL))

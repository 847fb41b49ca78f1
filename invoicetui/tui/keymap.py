"""Bindings from the binding ids in invoicetui.config.keys, and the user's [keys] overrides."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen

from invoicetui.config.keys import BINDING_IDS, DEFAULT_KEYS, keys_for, meet
from invoicetui.tui.commands import command


def bind(
    binding_id: str,
    action: str | None = None,
    description: str | None = None,
    *,
    show: bool = False,
    priority: bool = False,
    key_display: str | None = None,
    keys: str | None = None,
) -> Binding:
    """The Binding of a CommandSpec; a widget giving the key its own meaning passes action/label.

    `keys` narrows the default keys where a widget must not take all of them (the filter
    input answers only to escape, since it types h itself).
    """
    return command(binding_id).binding(
        action, description, show=show, priority=priority, keys=keys, key_display=key_display
    )


def user_keymap(overrides: dict[str, str]) -> dict[str, str]:
    """The overrides that name a known binding id (the config loader already rejected others)."""
    return {binding_id: keys for binding_id, keys in overrides.items() if binding_id in BINDING_IDS}


def apply_keymap(app: App[Any], overrides: dict[str, str]) -> None:
    """Rebind every Binding whose id the user's [keys] table names."""
    keymap = user_keymap(overrides)
    if keymap:
        app.set_keymap(keymap)


def key_clashes(overrides: dict[str, str]) -> list[str]:
    """Keys the [keys] table gave to two bindings that answer on one screen (see keys.meet)."""
    owners: dict[str, list[str]] = {}
    for binding_id in DEFAULT_KEYS:
        for key in keys_for(binding_id, user_keymap(overrides)).split(","):
            if key.strip():
                owners.setdefault(key.strip(), []).append(binding_id)
    return [
        f"[keys]: {key_label(key)} is bound to both {' and '.join(ids)}; "
        "only one of them will answer"
        for key, ids in owners.items()
        if len(ids) > 1 and any(meet(a, b) for a in ids for b in ids if a != b)
    ]


_KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def key_label(key: str) -> str:
    """How a person writes a key: "slash" -> "/", "ctrl+p" -> "Ctrl+P"."""
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if len(key) == 1:
        return key
    return "+".join(part.capitalize() if len(part) > 1 else part.upper() for part in key.split("+"))


def keys_label(keys: str) -> str:
    """A comma-separated key list for the help screen: "j,down" -> "j ↓"."""
    return " ".join(key_label(key.strip()) for key in keys.split(",") if key.strip())


def bound_keys(screen: Screen[Any]) -> dict[str, list[tuple[str, ActiveBinding]]]:
    """Binding id -> the keys that reach it on `screen` now, with the binding each one runs.

    From Textual's public Screen.active_bindings: the focused pane's bindings first, the
    user's keymap applied, and bindings a pane disables (check_action) left out.
    """
    found: dict[str, list[tuple[str, ActiveBinding]]] = {}
    for key, active in screen.active_bindings.items():
        if active.binding.id:
            found.setdefault(active.binding.id, []).append((key, active))
    return found

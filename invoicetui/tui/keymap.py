"""Bindings from the binding ids in invoicetui.config.keys, and the user's [keys] overrides."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.binding import Binding

from invoicetui.config.keys import BINDING_IDS, DEFAULT_KEYS, keys_for


def bind(
    binding_id: str,
    action: str,
    description: str,
    *,
    show: bool = False,
    priority: bool = False,
    key_display: str | None = None,
    keys: str | None = None,
) -> Binding:
    """A Binding whose id comes from invoicetui.config.keys, so the [keys] table can rebind it.

    `keys` narrows the default keys where a widget must not take all of them (the filter
    input answers only to escape, since it types h itself).
    """
    if binding_id not in BINDING_IDS:
        raise KeyError(f"unknown binding id {binding_id!r}")
    return Binding(
        keys or DEFAULT_KEYS[binding_id],
        action,
        description,
        show=show,
        priority=priority,
        key_display=key_display,
        id=binding_id,
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
    """Keys the [keys] table gave to two bindings (the defaults give none twice)."""
    owners: dict[str, list[str]] = {}
    for binding_id in DEFAULT_KEYS:
        for key in keys_for(binding_id, user_keymap(overrides)).split(","):
            if key.strip():
                owners.setdefault(key.strip(), []).append(binding_id)
    return [
        f"[keys]: {key_label(key)} is bound to both {' and '.join(ids)}; "
        "only one of them will answer"
        for key, ids in owners.items()
        if len(ids) > 1
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

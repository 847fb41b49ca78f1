"""Binding ids, their default keys, and the check of a user's [keys] table.

Kept free of Textual so the config loader can validate a [keys] table (check_keys) without
importing the UI: a bad key fails at load, naming its binding id, instead of silently never
answering in the app.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping

DEFAULT_KEYS: dict[str, str] = {
    "focus-next": "tab",
    "focus-previous": "shift+tab",
    "cursor-down": "j,down",
    "cursor-up": "k,up",
    "top": "g,home",
    "bottom": "G,end",
    "page-up": "pageup",
    "page-down": "pagedown",
    "select": "enter,l",
    "back": "escape,h",
    "next-invoice": "n",
    "previous-invoice": "N",
    "filter": "slash",
    "sort": "s",
    "sort-reverse": "S",
    "refresh": "r",
    "refresh-all": "R",
    "retry-failed": "F",
    "copy-id": "y",
    "copy-url": "Y",
    "open-url": "o",
    "toggle-detail": "p",
    "tab-next": "right",
    "tab-previous": "left",
    "tab-1": "1",
    "tab-2": "2",
    "tab-3": "3",
    "tab-4": "4",
    "tab-5": "5",
    "export": "e",
    "help": "question_mark",
    "command-palette": "ctrl+p",
    "quit": "q",
}

BINDING_IDS = frozenset(DEFAULT_KEYS)

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
# Keys with a name (as Textual spells them); a printable character is a key too, and so is
# its Unicode name in snake case ("question_mark", "full_stop").
NAMED_KEYS = frozenset(
    {
        "escape", "enter", "tab", "space", "backspace", "delete", "insert", "home", "end",
        "pageup", "pagedown", "up", "down", "left", "right",
        *(f"f{n}" for n in range(1, 25)),
    }
)  # fmt: skip


class KeyProblem(ValueError):
    """A [keys] entry that cannot work; the loader adds the file and the line."""

    def __init__(self, binding_id: str, message: str) -> None:
        super().__init__(message)
        self.binding_id = binding_id


def keys_for(binding_id: str, overrides: Mapping[str, str]) -> str:
    """The key(s) a binding id answers to, after the user's [keys] table."""
    return overrides.get(binding_id, DEFAULT_KEYS[binding_id])


def key_problem(key: str) -> str | None:
    """Why `key` is not a key Textual can deliver, or None if it is one."""
    *modifiers, base = key.split("+")
    bad = [m for m in modifiers if m.lower() not in MODIFIERS]
    if bad:
        return f"{bad[0]!r} is not a modifier (use ctrl, shift, alt, meta, super or hyper)"
    if not base:
        return "it names no key after the modifier" if modifiers else "it is empty"
    if len(base) == 1:
        return None if base.isprintable() else "it is a control character"
    if base.lower() in NAMED_KEYS:
        return None
    try:
        char = unicodedata.lookup(base.replace("_", " "))
    except KeyError:
        char = ""
    if len(char) == 1 and char.isprintable():
        return None
    close = difflib.get_close_matches(base.lower(), sorted(NAMED_KEYS), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{base!r} is not a key name{hint}"


def check_keys(raw: Mapping[str, object]) -> dict[str, str]:
    """The [keys] table, checked: known binding ids, real key names, and no key given twice.

    Returns binding id -> "key,key"; raises KeyProblem naming the binding id at fault.
    """
    keys: dict[str, str] = {}
    for binding_id, value in raw.items():
        if binding_id not in BINDING_IDS:
            close = difflib.get_close_matches(binding_id, sorted(BINDING_IDS), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise KeyProblem(
                binding_id,
                f"unknown binding id {binding_id!r}{hint}; press ? in the app for the list",
            )
        if not isinstance(value, str) or not value.strip():
            raise KeyProblem(
                binding_id,
                f'key {binding_id!r} must be a key name such as "ctrl+r" '
                "(several separated by commas)",
            )
        parts = [p.strip() for p in value.split(",")]
        if any(not p or " " in p for p in parts):
            raise KeyProblem(
                binding_id,
                f"key {binding_id!r}: {value!r} is not a key list; "
                'write keys like "ctrl+r" or "j,down"',
            )
        for part in parts:
            problem = key_problem(part)
            if problem:
                raise KeyProblem(binding_id, f"key {binding_id!r}: {part!r}: {problem}")
        keys[binding_id] = ",".join(parts)
    _check_clashes(keys)
    return keys


def _check_clashes(overrides: Mapping[str, str]) -> None:
    """One key, one binding: a key given to two would answer for only one of them."""
    owner: dict[str, str] = {}
    # The user's own keys first, so the error names the binding id they wrote.
    order = [*overrides, *(b for b in DEFAULT_KEYS if b not in overrides)]
    for binding_id in order:
        for key in keys_for(binding_id, overrides).split(","):
            other = owner.setdefault(key, binding_id)
            if other == binding_id:
                continue
            mine, theirs = (other, binding_id) if other in overrides else (binding_id, other)
            how = "also set here" if theirs in overrides else "its default"
            raise KeyProblem(
                mine,
                f"key {mine!r}: {key!r} is already the key of {theirs!r} ({how}); "
                f"give one of them another key",
            )

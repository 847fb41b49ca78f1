"""Binding ids and their default keys; users rebind them in the [keys] table of the config.

Kept free of Textual so the config loader can validate ids without importing the UI.
"""

from __future__ import annotations

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
    "copy-id": "y",
    "copy-url": "Y",
    "open-url": "o",
    "toggle-detail": "p",
    "export": "e",
    "save-documents": "d",
    "help": "question_mark",
    "command-palette": "ctrl+p",
    "quit": "q",
    # The insight views (issue 11), from anywhere; and their own keys.
    "view-overview": "O",
    "view-trends": "T",
    "view-breakdown": "B",
    "view-changes": "C",
    "cursor-left": "left",
    "cursor-right": "right",
    "next-anomaly": "a",
    "previous-anomaly": "A",
    "chart-mode": "c",
    "breakdown-by": "b",
    "period-next": "right_square_bracket",
    "period-previous": "left_square_bracket",
    "period-range": "m",
    "load-details": "L",
}

BINDING_IDS = frozenset(DEFAULT_KEYS)


def keys_for(binding_id: str, overrides: dict[str, str]) -> str:
    """The key(s) a binding id answers to, after the user's [keys] table."""
    return overrides.get(binding_id, DEFAULT_KEYS[binding_id])


def check_keys(table: Mapping[str, object]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The [keys] table as binding id -> keys, and its problems as (binding id, message).

    The config loader's hook: it adds file, line and "did you mean" to each problem.
    """
    keys: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for binding, value in table.items():
        if binding not in BINDING_IDS:
            problems.append((binding, "unknown binding id"))
        elif not isinstance(value, str) or not value.strip():
            problems.append(
                (binding, 'must be a key name such as "ctrl+r" (several separated by commas)')
            )
        else:
            parts = [p.strip() for p in value.split(",")]
            if any(not p or " " in p for p in parts):
                shown = f"= {value[:40]!r} is not a key list"
                problems.append((binding, f'{shown}; write keys like "ctrl+r" or "j,down"'))
            else:
                keys[binding] = ",".join(parts)
    return keys, problems

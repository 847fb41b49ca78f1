"""Binding ids and their default keys; users rebind them in the [keys] table of the config.

Kept free of Textual so the config loader can validate ids without importing the UI.
"""

from __future__ import annotations

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
    "load-details": "d",
}

BINDING_IDS = frozenset(DEFAULT_KEYS)


def keys_for(binding_id: str, overrides: dict[str, str]) -> str:
    """The key(s) a binding id answers to, after the user's [keys] table."""
    return overrides.get(binding_id, DEFAULT_KEYS[binding_id])

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
    "retry-detail": "L",  # as load-details in the breakdown: (re)load line items
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

# Where a binding answers decides which keys it may share. Keys that work on every screen
# must be their own; the insight views' own keys (c, b, a, [ ], ← →...) work only there
# (screens/trends.py, breakdown.py, widgets/figures.py), and every other binding only in the
# invoice browser (the main screen and its full-screen detail): those two sets never meet.
EVERYWHERE = frozenset(
    {
        "help", "quit", "command-palette", "focus-next", "focus-previous", "cursor-down",
        "cursor-up", "top", "bottom", "page-up", "page-down", "select", "back",
        "view-overview", "view-trends", "view-breakdown", "view-changes",
    }
)  # fmt: skip
INSIGHT_ONLY = frozenset(
    {
        "cursor-left", "cursor-right", "next-anomaly", "previous-anomaly", "chart-mode",
        "breakdown-by", "period-next", "period-previous", "period-range", "load-details",
    }
)  # fmt: skip

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


def check_keys(table: Mapping[str, object]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The [keys] table as binding id -> keys, and its problems as (binding id, message).

    The config loader's hook: it adds file, line and "did you mean" to each problem. A key
    Textual cannot deliver ("ctrl+"), and a key given to two bindings ("q" is quit's), are
    problems too: a binding that silently never answers is worse than an error at load.
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
                continue
            bad = next(((p, why) for p in parts if (why := key_problem(p))), None)
            if bad is not None:
                problems.append((binding, f"= {bad[0][:40]!r}: {bad[1]}"))
                continue
            keys[binding] = ",".join(parts)
    problems.extend(_clashes(keys))
    return keys, problems


def _clashes(overrides: Mapping[str, str]) -> list[tuple[str, str]]:
    """One key, one binding: a key given to two would answer for only one of them."""
    owners: dict[str, list[str]] = {}
    problems: list[tuple[str, str]] = []
    # The user's own keys first, so each problem names a binding id they wrote.
    order = [*overrides, *(b for b in DEFAULT_KEYS if b not in overrides)]
    for binding_id in order:
        for key in keys_for(binding_id, overrides).split(","):
            others = owners.setdefault(key, [])
            other = next((o for o in others if meet(o, binding_id)), None)
            others.append(binding_id)
            if other is None or other == binding_id:
                continue
            mine, theirs = (other, binding_id) if other in overrides else (binding_id, other)
            how = "also set here" if theirs in overrides else "its default"
            problems.append(
                (mine, f"= {key!r} is already the key of {theirs!r} ({how}); give one another key")
            )
    return problems


def meet(one: str, other: str) -> bool:
    """Whether two bindings can answer on one screen (so must not share a key)."""
    if one in EVERYWHERE or other in EVERYWHERE:
        return True
    return (one in INSIGHT_ONLY) == (other in INSIGHT_ONLY)

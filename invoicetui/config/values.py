"""Config values read without pydantic: durations, type names and problems for messages."""

from __future__ import annotations

import math
import re

YEAR = 365 * 86400.0
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|s)", re.IGNORECASE)
_DURATION_FULL = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[dhms]\s*)+$", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}


def type_name(value: object) -> str:
    names: dict[type, str] = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def parse_duration(value: object) -> float:
    """Seconds from a number or a string such as "90s", "15m", "2h", "1h30m" or "1d"."""
    if isinstance(value, bool):
        raise ValueError('expected seconds or a duration such as "15m"')
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            seconds = float(text)
        except ValueError:
            if not _DURATION_FULL.match(text) or len(text) > 64:
                raise ValueError(
                    f'{value[:40]!r} is not a duration; use seconds or e.g. "90s", "15m", "2h", '
                    '"1h30m"'
                ) from None
            seconds = sum(
                float(num) * _UNIT_SECONDS[unit.lower()]
                for num, unit in _DURATION_PART.findall(text)
            )
    else:
        raise ValueError('expected seconds or a duration such as "15m"')
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError("must be zero or more seconds")
    if seconds > YEAR:
        raise ValueError("must be at most a year (365d)")
    return seconds


class Problem(ValueError):
    """A value's problem in the words users read; `key` names the key of a check over several."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key

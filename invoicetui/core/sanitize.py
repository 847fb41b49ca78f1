"""Strip terminal control sequences from provider text where it enters the model."""

from __future__ import annotations

import re
from decimal import Decimal

# ESC-introduced sequences first (CSI, OSC, DCS/PM/APC strings, two-byte escapes), so that
# their parameters do not survive as printable junk; then any remaining C0/C1 control.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]                     # CSI ... final byte
    | \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)? # OSC ... BEL or ST
    | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?     # DCS / SOS / PM / APC ... ST
    | \x1b[ -/]*[0-~]?                           # other ESC sequences
    | \x9b[0-?]*[ -/]*[@-~]                      # 8-bit CSI
    | \x9d[^\x07\x9c]*(?:\x07|\x9c)?             # 8-bit OSC
    """,
    re.VERBOSE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_text(value: str, *, one_line: bool = False) -> str:
    """Remove ESC sequences and C0/C1 controls; tab and newline stay unless one_line."""
    if not value:
        return value
    text = _ESCAPE_SEQUENCE.sub("", value)
    if one_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
        return _CONTROL_ONE_LINE.sub("", text)
    return _CONTROL.sub("", text)


def clean_optional(value: object, *, one_line: bool = True) -> str | None:
    """Clean a provider value that should be a string; None and non-strings give None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return clean_text(str(value), one_line=one_line)
    if not isinstance(value, str):
        return None
    return clean_text(value, one_line=one_line)


def clean_json(value: object) -> object:
    """Clean every string (keys too) inside a JSON value, for the raw view and the cache."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v) for k, v in value.items()}
    if isinstance(value, Decimal):  # exact JSON numbers (providers/base.py): plain JSON again
        return float(value) if value.is_finite() and abs(value) < 1e300 else str(value)
    return value

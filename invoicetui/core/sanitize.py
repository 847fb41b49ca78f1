"""Make provider text safe where it enters the model (CONTRACT.md, "Untrusted input").

Removed: terminal control sequences, C0/C1 controls and bidirectional controls (they can
reorder what a bill payer reads); lone surrogates (JSON allows them, UTF-8 does not) become
U+FFFD. Ids and numbers also lose zero-width characters, which would make two ids that look
the same differ.
"""

from __future__ import annotations

import re
from decimal import Decimal

# Bidirectional controls: embeddings and overrides, isolates, marks (CONTRACT.md's list).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Zero-width space, non-joiner, joiner, word joiner, BOM / zero-width no-break space.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SURROGATE = re.compile("[\ud800-\udfff]")
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
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_CONTROL_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_LINE_SEPARATORS = re.compile("[\u2028\u2029]")
_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")


def fix_surrogates(value: str) -> str:
    """Surrogate pairs joined into their character, lone surrogates replaced by U+FFFD."""
    if not _SURROGATE.search(value):
        return value
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_text(value: str, *, one_line: bool = False) -> str:
    """Remove ESC sequences, C0/C1 and bidi controls; tab and newline stay unless one_line."""
    if not value or value.isprintable():
        # The common case. isprintable() is False for every character the slow path changes
        # (controls are Cc, bidi marks Cf, surrogates Cs, U+2028/9 Zl/Zp), so the output is
        # the same either way; the regex passes cost about half a page's parse time.
        return value
    text = fix_surrogates(value)
    text = _ESCAPE_SEQUENCE.sub("", text)
    if one_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
        return _CONTROL_ONE_LINE.sub("", _LINE_SEPARATORS.sub(" ", text))
    return _CONTROL.sub("", _LINE_SEPARATORS.sub("\n", text))


def clean_id(value: str) -> str:
    """An id or number as one line, without zero-width characters, trimmed."""
    text = clean_text(value, one_line=True)
    if not text.isprintable():  # zero-width characters are format characters (Cf)
        text = _ZERO_WIDTH.sub("", text)
    return text.strip()


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

"""The sanitizer over the whole Unicode range: no control, bidi control or surrogate survives."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from invoicetui.core.sanitize import BIDI_CONTROLS, ZERO_WIDTH, clean_id, clean_json, clean_text

FORBIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{BIDI_CONTROLS}]")
FORBIDDEN_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029{BIDI_CONTROLS}]")
# Every code point, surrogates included (Hypothesis excludes them unless told not to).
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
HOSTILE = st.sampled_from(
    [
        "\x1b[2J", "\x1b]8;;https://evil.example/\x07", "\x1b]0;title\x1b\\", "\x9b31m",
        "\x1bP+q\x1b\\", "\u202e", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c", "\ud800",
        "\udfff", "\ud83d", "\u200b", "\ufeff", "\u2028", "\r\n", "\t", "\x00", "\x7f", "\x85",
    ]
)  # fmt: skip
TEXT = st.lists(st.one_of(ANY_CHAR, HOSTILE), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_clean_text_leaves_no_control_bidi_or_surrogate(value: str) -> None:
    for one_line, forbidden in ((False, FORBIDDEN), (True, FORBIDDEN_ONE_LINE)):
        out = clean_text(value, one_line=one_line)
        assert not forbidden.search(out), (value, out)
        assert "\x1b" not in out
        out.encode("utf-8")  # strict: would raise on a surrogate
        assert clean_text(out, one_line=one_line) == out  # idempotent


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_printable_text_is_returned_unchanged(value: str) -> None:
    """The isprintable() fast path changes nothing the slow path would keep."""
    if value.isprintable():
        assert clean_text(value) == value == clean_text(value, one_line=True)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_ids_lose_zero_width_characters(value: str) -> None:
    out = clean_id(value)
    assert not any(c in out for c in ZERO_WIDTH)
    assert not FORBIDDEN_ONE_LINE.search(out)
    assert out == out.strip()


@settings(max_examples=200, deadline=None)
@given(st.recursive(TEXT | st.integers() | st.none(), lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(TEXT, inner, max_size=3), max_leaves=12))  # fmt: skip
def test_clean_json_cleans_keys_and_values(value: object) -> None:
    def strings(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, list):
            return [s for v in node for s in strings(v)]
        if isinstance(node, dict):
            return [s for k, v in node.items() for s in (k, *strings(v))]
        return []

    for text in strings(clean_json(value)):
        assert not FORBIDDEN.search(text)


def test_known_cases() -> None:
    assert clean_text("pay \u202eKCATTA\u202c now") == "pay KCATTA now"
    assert clean_text("a\u2066b\u2069c\u200fd\u061ce") == "abcde"
    assert clean_text("bad \ud800 half") == "bad \ufffd half"
    assert clean_text("\ud83d\ude00") == "\U0001f600"  # a pair that arrived split is joined
    assert clean_text("x\x1b]8;;https://evil/\x07link\x1b]8;;\x07") == "xlink"
    assert clean_text("a\u2028b") == "a\nb" and clean_text("a\u2028b", one_line=True) == "a b"
    assert (
        clean_text("emoji \U0001f468\u200d\U0001f469 stays")
        == "emoji \U0001f468\u200d\U0001f469 stays"
    )
    assert clean_id(" INV\u200b-1\ufeff ") == "INV-1"


def test_cutting_after_cleaning_never_leaves_half_a_sequence() -> None:
    """Sanitize before truncating: a cut of the clean text cannot hold an ESC or a bidi mark."""
    hostile = "Invoice \x1b]8;;https://evil.example/\x07click\x1b]8;;\x07 \u202eredro\u202c"
    clean = clean_text(hostile, one_line=True)
    for n in range(len(clean) + 1):
        cut = clean[:n] + "…"
        assert "\x1b" not in cut and not FORBIDDEN_ONE_LINE.search(cut)

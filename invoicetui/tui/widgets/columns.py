"""Table columns and how they share a width: compact forms, then dropping, then shrinking.

Pure layout (rich Text, or Textual Content for fit_content; no widget), so the order in which
columns give way is testable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, Literal, TypeVar

from rich.cells import set_cell_size
from rich.text import Text
from textual.content import Content, Span

R = TypeVar("R")
Cut = Literal["end", "start", "middle"]

GUTTER = 1  # the cursor marker column
SEP = 1  # blank cells between columns
# Between a left-aligned column and a right-aligned (numeric) one: the number's widest value
# fills its column to the left edge, so one blank would run a word into it
# ("PROCESSING 151,484.98"); after another amount its currency code ends the cell already.
NUMBER_SEP = 2
COMFORT = 3  # flexible columns give up this many cells before optional columns are dropped
OPTIONAL = 4  # columns of this priority or more go before flexible ones are cut further
MAX_GROW = 28  # right-aligned (numeric) columns widen to fit what was shown, up to this


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: how to show a row's cell and what typed value it sorts on."""

    key: str
    label: str
    width: int
    render: Callable[[R], Text]  # rich Text, never markup
    sort_key: Callable[[R], Any] | None = None  # None values sort last in both directions
    align: Literal["left", "right"] = "left"
    flex: bool = False  # takes leftover width; shrinks to min_width when narrow
    priority: int = 0  # 0 = always shown; narrow tables drop the highest priority first
    min_width: int = 6
    # A shorter form used when the table is tight, before any column is truncated or dropped.
    compact: Callable[[R], Text] | None = None
    compact_width: int = 0
    compact_label: str | None = None
    compacted: bool = False  # this is the compact form of a column
    cut: Cut = "end"  # where a too-long cell loses characters (see fit_cell)

    def compact_form(self) -> Column[R]:
        """The column with its compact renderer, width and label (itself if it has none)."""
        if self.compact is None:
            return self
        return replace(
            self,
            render=self.compact,
            width=self.compact_width,
            label=self.compact_label or self.label,
            compact=None,
            compacted=True,
        )

    @property
    def grow_key(self) -> str:
        """Where the widest value seen is remembered (the compact form has its own)."""
        return f"{self.key}~" if self.compacted else self.key


def layout_columns(
    columns: Sequence[Column[Any]], width: int, grown: dict[str, int] | None = None
) -> list[tuple[Column[Any], int, int]]:
    """(column, x, width) for the columns that fit `width`.

    When too wide: compact forms first (highest priority first); then optional columns
    (priority >= OPTIONAL) are dropped until flexible columns lose at most COMFORT cells;
    then flexible columns shrink to their minimum; then the other columns are dropped.
    """
    grown = grown or {}

    def natural(col: Column[Any]) -> int:
        return max(col.width, grown.get(col.grow_key, 0))

    def minimum(col: Column[Any]) -> int:
        return min(col.min_width, col.width) if col.flex else natural(col)

    def comfortable(col: Column[Any]) -> int:
        return max(minimum(col), natural(col) - COMFORT) if col.flex else natural(col)

    def need(cols: list[Column[Any]], size: Callable[[Column[Any]], int]) -> int:
        return GUTTER + sum(size(c) for c in cols) + sum(map(gap, cols, cols[1:]))

    def drop(cols: list[Column[Any]], lowest: int) -> list[Column[Any]] | None:
        droppable = [c for c in cols if c.priority >= lowest]
        if not droppable:
            return None
        worst = max(droppable, key=lambda c: c.priority)
        return [c for c in cols if c is not worst]

    chosen = list(columns)
    for col in sorted((c for c in columns if c.compact), key=lambda c: -c.priority):
        if need(chosen, natural) <= width:
            break
        chosen = [c.compact_form() if c is col else c for c in chosen]
    while need(chosen, comfortable) > width and (fewer := drop(chosen, OPTIONAL)):
        chosen = fewer
    while need(chosen, minimum) > width and (fewer := drop(chosen, 1)):
        chosen = fewer
    widths = {c.key: natural(c) for c in chosen}
    flex = [c for c in chosen if c.flex]
    slack = width - need(chosen, natural)
    if slack > 0:
        for n, col in enumerate(flex):
            widths[col.key] += slack // len(flex) + (1 if n < slack % len(flex) else 0)
    while slack < 0:  # too wide: shrink flex columns a cell at a time, down to their minimum
        shrinkable = [c for c in flex if widths[c.key] > minimum(c)]
        if not shrinkable:
            break
        for col in shrinkable[:-slack]:
            widths[col.key] -= 1
            slack += 1
    out: list[tuple[Column[Any], int, int]] = []
    x = GUTTER
    for n, col in enumerate(chosen):
        x += gap(chosen[n - 1], col) if n else 0
        out.append((col, x, widths[col.key]))
        x += widths[col.key]
    return out


def gap(before: Column[Any], col: Column[Any]) -> int:
    """Blank cells between two neighbouring columns."""
    return NUMBER_SEP if before.align == "left" and col.align == "right" else SEP


def fit_cell(text: Text, width: int, cut: Cut) -> Text:
    """A cell cut to `width` cells with "…": at the end, the start or the middle.

    "start" keeps the end of ids that differ at their end ("…2026-10"); "middle" keeps both
    ends of names such as vector-db and vector-db-staging ("vect…aging"), never alike.
    """
    if text.cell_len <= width:
        return text
    if width <= 1 or cut == "end":
        out = text.copy()
        out.truncate(width, overflow="ellipsis")
        return out
    plain = text.plain
    if cut == "start":
        out = Text("…", style=text.style) + text[len(plain) - (width - 1) :]
        while out.cell_len > width:  # wide characters take two cells
            out = Text("…", style=text.style) + out[2:]
        return out
    ellipsis = Text("…", style=text.style)
    head, tail = width // 2, (width - 1) // 2
    out = text[:head] + ellipsis + text[len(plain) - tail :] if tail else text[:head] + ellipsis
    while out.cell_len > width and head > 0:  # wide characters take two cells
        head -= 1
        out = text[:head] + ellipsis + text[len(plain) - tail :] if tail else text[:head] + ellipsis
    return out


def ellipsize(content: Content, width: int) -> Content:
    """Content cut to `width` with "…", exactly as rich's Text.truncate(overflow="ellipsis").

    Content.truncate differs only at width 0, where rich keeps all but the last character
    (set_cell_size(text, -1)) and an ellipsis; kept so a line never changes when it moves
    from Text to Content.
    """
    if content.cell_length <= width:
        return content
    if width > 0:
        return content.truncate(width, ellipsis=True)
    text = set_cell_size(content.plain, width - 1) + "…"
    end = len(text)
    spans = [Span(s.start, min(s.end, end), s.style) for s in content.spans if s.start < end]
    return Content(text, spans, strip_control_codes=False)


def fit_content(content: Content, width: int, cut: Cut) -> Content:
    """fit_cell for Textual Content: the same cuts and the same characters kept.

    The "…" takes the styles of the character it replaces, as fit_cell's takes the Text's.
    """
    if content.cell_length <= width:
        return content
    if width <= 1 or cut == "end":
        return ellipsize(content, width)
    plain = content.plain
    if cut == "start":
        out = _ellipsis(content, len(plain) - width) + content[len(plain) - (width - 1) :]
        while out.cell_length > width:  # wide characters take two cells
            out = _ellipsis(out, 1) + out[2:]
        return out
    head, tail = width // 2, (width - 1) // 2
    end = content[len(plain) - tail :] if tail else Content()
    out = content[:head] + _ellipsis(content, head) + end
    while out.cell_length > width and head > 0:  # wide characters take two cells
        head -= 1
        out = content[:head] + _ellipsis(content, head) + end
    return out


def _ellipsis(content: Content, offset: int) -> Content:
    """A "…" in the styles of `content` at character `offset`."""
    styles = [s.style for s in content.spans if s.start <= offset < s.end]
    return Content("…", [Span(0, 1, style) for style in styles], strip_control_codes=False)

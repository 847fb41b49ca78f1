"""How VirtualTable looks and paints: its CSS and keys, the header, one row, a view of rows.

Kept apart from the widget (cursor, sort, filter, messages) so each stays one concern.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar, overload

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.strip import Strip

from invoicetui.config.keys import DEFAULT_KEYS
from invoicetui.tui.widgets.columns import GUTTER, MAX_GROW, Column, fit_cell

R = TypeVar("R")
CURSOR_MARK = "▶"
Layout = Sequence[tuple[Column[Any], int, int]]


def _binding(binding_id: str, action: str, description: str) -> Binding:
    return Binding(DEFAULT_KEYS[binding_id], action, description, show=False, id=binding_id)


TABLE_BINDINGS: list[BindingType] = [
    _binding("cursor-down", "cursor_down", "Down"),
    _binding("cursor-up", "cursor_up", "Up"),
    _binding("top", "cursor_top", "Top"),
    _binding("bottom", "cursor_bottom", "Bottom"),
    _binding("page-up", "page_up", "Page up"),
    _binding("page-down", "page_down", "Page down"),
    Binding(DEFAULT_KEYS["select"], "select_cursor", "Open", id="select"),
]
TABLE_CLASSES = {
    "virtual-table--header",
    "virtual-table--cursor",
    "virtual-table--even",
    "virtual-table--empty",
}

TABLE_CSS = """
VirtualTable {
    background: $surface;
    color: $foreground;
    height: 1fr;
    overflow-x: hidden;
    overflow-y: auto;
    & > .virtual-table--header { text-style: bold; background: $panel; color: $foreground; }
    & > .virtual-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: bold;
    }
    &:focus > .virtual-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    & > .virtual-table--even { background: $surface-darken-1 40%; }
    & > .virtual-table--empty { color: $text-muted; text-style: italic; }
    &:ansi > .virtual-table--header { background: ansi_bright_blue; color: ansi_default; }
    &:ansi > .virtual-table--even { background: ansi_default; }
}
"""


class RowsView(Sequence[R]):
    """The visible rows in display order, without copying 100k references."""

    def __init__(self, rows: list[R], order: list[int]) -> None:
        self._rows, self._order = rows, order

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> list[R]: ...
    def __getitem__(self, index: int | slice) -> R | list[R]:
        if isinstance(index, slice):
            return [self._rows[i] for i in self._order[index]]
        return self._rows[self._order[index]]

    def __iter__(self) -> Iterator[R]:
        rows = self._rows
        return (rows[i] for i in self._order)


def header_strip(
    layout: Layout, width: int, base: Style, sort_column: str | None, reverse: bool
) -> Strip:
    """Labels over their columns with the sort arrow on the label's inner side: after a
    left-aligned label, before a right-aligned one (in the gap between columns when the
    label fills its column), so no label loses a letter."""
    cells = [" "] * width
    for col, x, w in layout:
        label = col.label[:w]
        start = x + w - len(label) if col.align == "right" else x
        cells[start : start + len(label)] = label
        if col.key == sort_column:
            at = start - 1 if col.align == "right" else start + len(label)
            cells[min(at, width - 1)] = "▼" if reverse else "▲"
    return Strip([Segment("".join(cells[:width]), base)]).crop_extend(0, width, base)


class CellPainter:
    """Paints rows: cells fitted to their columns, NO_COLOR honoured, growth reported."""

    def __init__(self, console: Console, no_color: bool, grow: Callable[[str, int], None]) -> None:
        self.console, self.no_color, self.grow = console, no_color, grow

    def row_strip(
        self,
        row: Any,
        layout: Layout,
        width: int,
        base: Style,
        post: Style | None,
        mark: str = " ",
        mark_style: Style | None = None,
    ) -> Strip:
        """One row: the cursor or row mark in the gutter, then each cell fitted."""
        segments: list[Segment] = [Segment(mark[:1], mark_style if mark != " " else None)]
        at = GUTTER  # after the cursor or row mark
        for col, x, w in layout:
            if x > at:  # the layout's gap (wider before a numeric column)
                segments.append(Segment(" " * (x - at)))
            at = x + w
            text = col.render(row)
            length = text.cell_len
            if length > w:
                if col.align == "right" and w < MAX_GROW:
                    self.grow(col.grow_key, length)
                text = fit_cell(text, w, col.cut)
                length = text.cell_len
            pad = Segment(" " * (w - length)) if length < w else None
            if pad and col.align == "right":
                segments.append(pad)
            segments.extend(self.cell_segments(text))
            if pad and col.align == "left":
                segments.append(pad)
        styled = Segment.apply_style(segments, base, post)
        return Strip(styled).crop_extend(0, width, base + post if post else base)

    def cell_segments(self, text: Text) -> list[Segment]:
        """A cell's segments with the Text's own style (Text.render drops it without spans)."""
        console = self.console
        segments = list(text.render(console))
        if text.style:
            segments = list(Segment.apply_style(segments, console.get_style(text.style)))
        if self.no_color:  # NO_COLOR: the word and bold/italic carry it, not a grey shade
            segments = [Segment(t, s.without_color if s else s) for t, s, _ in segments]
        return segments

"""A grid of figures with a cell cursor: Enter on a figure asks for the invoices behind it.

Rendered as one Rich table of Text cells (never markup); the cursor cell is reversed, so it
shows without colour too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

from invoicetui.config.keys import DEFAULT_KEYS
from invoicetui.tui.rows import without_colour

Keys = frozenset[tuple[str, str]]
LABEL_MAX = 24  # row labels are cut (…) beyond this


@dataclass(frozen=True)
class Cell:
    """One figure: what it shows, and the (account, id) of the invoices behind it."""

    text: Text
    keys: Keys = field(default_factory=frozenset)
    title: str = ""  # names the invoice list it opens: "USD · overdue 31–60 days"


@dataclass(frozen=True)
class GridRow:
    label: Text
    cells: tuple[Cell, ...]


def muted(text: str, style: str = "dim") -> Text:
    """Dim text whose spaces are not dim: Textual drops dim-styled blanks, which would glue
    words together and undo right alignment."""
    out = Text(text)
    for match in re.finditer(r"\S+", text):
        out.stylize(style, match.start(), match.end())
    return out


def _binding(binding_id: str, action: str, description: str) -> Binding:
    return Binding(DEFAULT_KEYS[binding_id], action, description, show=False, id=binding_id)


class FigureGrid(Widget, can_focus=True):
    """Rows of labelled cells; arrows move, Enter chooses the figure under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("cursor-down", "move(1, 0)", "Down"),
        _binding("cursor-up", "move(-1, 0)", "Up"),
        _binding("cursor-right", "move(0, 1)", "Right"),
        _binding("cursor-left", "move(0, -1)", "Left"),
        _binding("top", "move(-9999, 0)", "Top"),
        _binding("bottom", "move(9999, 0)", "Bottom"),
        _binding("page-up", "move(-10, 0)", "Page up"),
        _binding("page-down", "move(10, 0)", "Page down"),
        Binding(DEFAULT_KEYS["select"], "choose", "Invoices", id="select"),
    ]
    DEFAULT_CSS = """
    FigureGrid { height: auto; padding: 0 1; }
    FigureGrid:focus { background-tint: $foreground 4%; }
    """

    class Chosen(Message):
        """Enter on a figure: open the invoices behind it."""

        def __init__(self, grid: FigureGrid, cell: Cell) -> None:
            super().__init__()
            self.grid = grid
            self.cell = cell

        @property
        def control(self) -> FigureGrid:
            return self.grid

    class Moved(Message):
        """The cursor moved to another cell (a chart can follow it)."""

        def __init__(self, grid: FigureGrid) -> None:
            super().__init__()
            self.grid = grid

        @property
        def control(self) -> FigureGrid:
            return self.grid

    def __init__(
        self, *, pinned: int = 0, windowed: bool = False,
        id: str | None = None, classes: str | None = None,
    ) -> None:  # fmt: skip
        """`pinned`: trailing columns always shown; `windowed`: rows scroll within the height."""
        super().__init__(id=id, classes=classes)
        self.headers: tuple[Text, ...] = ()
        self.rows: tuple[GridRow, ...] = ()
        self.row = 0
        self.column = 0
        self.pinned = pinned
        self.windowed = windowed
        self.empty_text = "Nothing to show"
        self._left = 0  # first scrolling column shown
        self._top = 0  # first row shown (windowed)

    def set_data(self, headers: Sequence[Text], rows: Sequence[GridRow]) -> None:
        self.headers = tuple(headers)
        self.rows = tuple(rows)
        self.row = min(self.row, max(0, len(self.rows) - 1))
        self.column = min(self.column, max(0, self._width() - 1))
        self.refresh(layout=True)

    def _width(self) -> int:
        return max((len(r.cells) for r in self.rows), default=0)

    @property
    def cursor_cell(self) -> Cell | None:
        if not self.rows or self.column >= len(self.rows[self.row].cells):
            return None
        return self.rows[self.row].cells[self.column]

    def action_move(self, rows: int, columns: int) -> None:
        if not self.rows:
            return
        self.move_to(self.row + rows, self.column + columns)

    def move_to(self, row: int, column: int) -> None:
        self.row = max(0, min(len(self.rows) - 1, row))
        self.column = max(0, min(self._width() - 1, column))
        self.refresh()
        self.post_message(self.Moved(self))

    def action_choose(self) -> None:
        cell = self.cursor_cell
        if cell is not None:
            self.post_message(self.Chosen(self, cell))

    def shown_columns(self, width: int) -> list[int]:
        """The columns that fit `width`: the cursor's, its neighbours, and the pinned ones."""
        count = self._width()
        if count == 0:
            return []
        widths = [
            max([self.headers[x].cell_len if x < len(self.headers) else 0]
                + [r.cells[x].text.cell_len for r in self.rows if x < len(r.cells)])
            for x in range(count)
        ]  # fmt: skip
        label = min(LABEL_MAX, max((r.label.cell_len for r in self.rows), default=0))
        pinned = list(range(max(0, count - self.pinned), count))
        moving = [x for x in range(count) if x not in pinned]
        room = width - label - 1 - sum(widths[x] + 1 for x in pinned) - 2  # 2: the ‹ › marks
        if self.column in moving:
            index = moving.index(self.column)
            self._left = min(self._left, index)
            while self._left < index and (
                sum(widths[x] + 1 for x in moving[self._left : index + 1]) > room
            ):
                self._left += 1
        self._left = min(self._left, max(0, len(moving) - 1))
        shown: list[int] = []
        used = 0
        for x in moving[self._left :]:
            if shown and used + widths[x] + 1 > room:
                break
            shown.append(x)
            used += widths[x] + 1
        # Room left at the right end: show earlier columns too.
        while (
            self._left > 0
            and used + widths[moving[self._left - 1]] + 1 <= room
            and (shown and shown[-1] == moving[-1])
        ):
            self._left -= 1
            shown.insert(0, moving[self._left])
            used += widths[moving[self._left]] + 1
        return shown + pinned

    def shown_rows(self, height: int) -> range:
        if not self.windowed or height <= 1:
            return range(len(self.rows))
        room = max(1, height - 1)
        self._top = max(min(self._top, self.row), self.row - room + 1, 0)
        return range(self._top, min(len(self.rows), self._top + room))

    def render(self) -> RenderableType:
        if not self.rows:
            return Text(self.empty_text, style="italic")
        columns = self.shown_columns(self.content_size.width or 200)
        moving = [x for x in columns if x < self._width() - self.pinned]
        hidden_left = bool(moving) and moving[0] > 0
        hidden_right = bool(moving) and moving[-1] < self._width() - self.pinned - 1
        table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, expand=False)
        corner = muted("‹ more" if hidden_left else "")
        table.add_column(corner, no_wrap=True, overflow="ellipsis", max_width=LABEL_MAX)
        for x in columns:
            header = self.headers[x].copy() if x < len(self.headers) else Text("")
            if hidden_right and moving and x == moving[-1]:
                header.append(" ")
                header.append("›", style="dim")
            table.add_column(header, justify="right", no_wrap=True)
        cursor_style = "reverse bold" if self.has_focus else "underline"
        # NO_COLOR: Textual greys colours by luminance (red turns dark grey); bold stays.
        plain_style = without_colour if self.app.no_color else (lambda t: t)
        for y in self.shown_rows(self.content_size.height):
            grid_row = self.rows[y]
            cells: list[Text] = []
            for x in columns:
                text = plain_style(grid_row.cells[x].text) if x < len(grid_row.cells) else Text("")
                if (y, x) == (self.row, self.column):
                    text.stylize(cursor_style)
                cells.append(text)
            label = plain_style(grid_row.label.copy())
            if y == self.row:
                label.stylize("bold")
            table.add_row(label, *cells)
        return table

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

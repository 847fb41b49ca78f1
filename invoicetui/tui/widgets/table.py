"""A virtual table on Textual's Line API: only on-screen rows are rendered; 100k rows stay instant.

Data lives in a RowIndex (integer orderings for sort and filter); cells are rich Text, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import ClassVar, Generic, TypeAlias, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from invoicetui.tui.widgets import table_messages as _messages
from invoicetui.tui.widgets.columns import GUTTER, MAX_GROW, Column, layout_columns
from invoicetui.tui.widgets.rowindex import RowIndex
from invoicetui.tui.widgets.table_lines import (
    CURSOR_MARK,
    TABLE_BINDINGS,
    TABLE_CLASSES,
    TABLE_CSS,
    CellPainter,
    RowsView,
    header_strip,
)

__all__ = ["Column", "VirtualTable", "layout_columns"]

R = TypeVar("R")

WARM_CHUNK = 5_000  # rows of search text or sort keys built per idle step (~10 ms)


class VirtualTable(ScrollView, Generic[R], can_focus=True):
    """Scrollable, sortable, filterable rows; renders only what is on screen (Line API)."""

    BINDINGS: ClassVar[list[BindingType]] = TABLE_BINDINGS
    COMPONENT_CLASSES: ClassVar[set[str]] = TABLE_CLASSES
    DEFAULT_CSS = TABLE_CSS
    # Defined in table_messages (namespace "virtual_table": on_virtual_table_highlighted).
    Highlighted: TypeAlias = _messages.Highlighted
    Selected: TypeAlias = _messages.Selected
    Changed: TypeAlias = _messages.Changed

    def __init__(
        self,
        columns: Sequence[Column[R]],
        *,
        search_text: Callable[[R], str],
        row_key: Callable[[R], Hashable] | None = None,
        empty_text: str = "No rows",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._columns: tuple[Column[R], ...] = tuple(columns)
        self._by_key = {c.key: c for c in self._columns}
        self._data: RowIndex[R] = RowIndex(
            search_text, {c.key: c.sort_key for c in self._columns if c.sort_key is not None}
        )
        self._row_key = row_key
        self.empty_text = empty_text
        self._filter_text = ""
        self._cursor = 0
        self._last_highlight: tuple[int, int] | None = None
        self._generation = 0
        self._warm_scheduled = False
        self._grown: dict[str, int] = {}
        self._layout: list[tuple[Column[R], int, int]] = []
        self._layout_key: tuple[int, tuple[tuple[str, int], ...]] | None = None
        self._styles: tuple[Style, ...] = ()
        self._strips: LRUCache[tuple[int, bool, bool], Strip] = LRUCache(512)
        self._header: Strip | None = None
        self._no_color = False
        # A one-character mark in the cursor column of other rows (flags, changes), if any.
        self.row_mark: Callable[[R], str] | None = None
        self._mark_style = Style(bold=True)

    @property
    def columns(self) -> tuple[Column[R], ...]:
        return self._columns

    @property
    def rows_visible(self) -> Sequence[R]:
        return RowsView(self._data.rows, self._data.visible)

    @property
    def total_count(self) -> int:
        return len(self._data.rows)

    @property
    def visible_count(self) -> int:
        return len(self._data.visible)

    @property
    def cursor_index(self) -> int:
        """Position of the cursor among the visible rows; -1 when nothing is visible."""
        return self._cursor if self._data.visible else -1

    @property
    def cursor_row(self) -> R | None:
        visible = self._data.visible
        return self._data.rows[visible[self._cursor]] if visible else None

    @property
    def filter_text(self) -> str:
        return self._filter_text

    @property
    def sort_column(self) -> str | None:
        return self._data.sort_column

    @property
    def sort_reverse(self) -> bool:
        return self._data.sort_reverse

    @property
    def shown_columns(self) -> list[str]:
        """Keys of the columns that fit the current width."""
        return [c.key for c, _, _ in self._layout] if self._layout else list(self._by_key)

    @property
    def warming(self) -> bool:
        """Search text and sort keys are still being built in idle steps (benchmarks wait)."""
        return not self._data.warm

    def counts_text(self, noun: str = "rows") -> Text:
        """'12 of 340 invoices · filter: acme' for a border title (Text: never markup)."""
        total = f"{self.total_count:,}"
        filtered = bool(self._data.needle)
        text = f"{self.visible_count:,} of {total} {noun}" if filtered else f"{total} {noun}"
        if self._filter_text:
            text += f" · filter: {self._filter_text}"
        return Text(text)

    def redraw_rows(self) -> None:
        """Cells changed without the rows changing (marks): draw the visible lines again."""
        self._strips.clear()
        self.refresh()

    def set_rows(self, rows: Sequence[R], *, keep_cursor: bool = True) -> None:
        """Replace all rows, re-applying the current sort and filter; O(n), no widget rebuilds."""
        old_row, position = self.cursor_row, self._cursor
        self._data.set_rows(rows)
        self._generation += 1
        self._strips.clear()
        if not keep_cursor:
            position = 0
            self.scroll_to(y=0, animate=False)
        elif old_row is not None and self._row_key is not None:
            position = self._find_key(self._row_key(old_row), position)
        self._changed(position)
        self._warm_scheduled = False
        self._schedule_warm()

    def append_rows(self, rows: Sequence[R]) -> None:
        """Add a page of rows (streaming); sorted and filtered views take them in place."""
        if not rows:
            return
        visible = self._data.visible
        follow = visible[self._cursor] if self._cursor > 0 and visible else None
        self._data.append(rows)
        position = self._data.position_of(follow) if follow is not None else 0
        self._changed(self._cursor if position is None else position)
        self._schedule_warm()

    def set_filter(self, text: str) -> None:
        """Case-insensitive substring filter; a narrowing filter refines the previous result.

        The cursor goes to the first match, except when the filter widens (or is cleared):
        then it stays on the row it was on.
        """
        self._filter_text = text
        if text.lower() == self._data.needle:
            self.post_message(self.Changed(self))
            return
        visible = self._data.visible
        current = visible[self._cursor] if visible else None
        widened = self._data.set_filter(text)
        position = self._data.position_of(current) if widened and current is not None else None
        self._changed(position or 0)

    def sort(self, column_key: str | None, reverse: bool = False) -> None:
        """Sort on the column's typed value (None last either way); ties keep arrival order."""
        self._data.sort(column_key, reverse)
        self._header = None
        self.scroll_to(y=0, animate=False)
        self._changed(0)

    def cycle_sort(self) -> None:
        """Sort by the next sortable shown column (key `s`)."""
        keys = [k for k in self.shown_columns if self._by_key[k].sort_key is not None]
        if not keys:
            return
        at = keys.index(self.sort_column) + 1 if self.sort_column in keys else 0
        self.sort(keys[at % len(keys)], self.sort_reverse)

    def toggle_sort_direction(self) -> None:
        """Flip ascending/descending (key `S`); sorts by the first sortable column if unsorted."""
        if self.sort_column is None:
            sortable = [k for k in self.shown_columns if self._by_key[k].sort_key is not None]
            if sortable:
                self.sort(sortable[0], True)
            return
        self.sort(self.sort_column, not self.sort_reverse)

    def move_cursor(self, index: int) -> None:
        """Put the cursor on visible row `index` (clamped) and scroll it into view."""
        if not self._data.visible:
            return
        old = self._cursor
        self._cursor = max(0, min(index, len(self._data.visible) - 1))
        self.refresh_line(old + 1)
        self.refresh_line(self._cursor + 1)
        self._scroll_to_cursor()
        self._post_highlight()

    def select_row(self, predicate: Callable[[R], bool]) -> bool:
        """Move the cursor to the first visible row matching predicate."""
        rows = self._data.rows
        for n, i in enumerate(self._data.visible):
            if predicate(rows[i]):
                self.move_cursor(n)
                return True
        return False

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_top(self) -> None:
        self.move_cursor(0)

    def action_cursor_bottom(self) -> None:
        self.move_cursor(len(self._data.visible) - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + self._page_height())

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - self._page_height())

    def action_select_cursor(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            for col, x, width in self._layout:
                if x <= offset.x < x + width and col.sort_key is not None:
                    same = col.key == self.sort_column
                    self.sort(col.key, not self.sort_reverse if same else False)
                    break
            return
        position = round(self.scroll_y) + offset.y - 1
        if 0 <= position < self.visible_count:
            self.move_cursor(position)
            self.action_select_cursor()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.visible_count + 1)
        self._scroll_to_cursor()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._prepare()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        if not self._styles:
            self._prepare()
        width = self.scrollable_content_region.width
        if y == 0:
            if self._header is None:
                self._header = self._render_header(width)
            return self._header
        position = round(self.scroll_y) + y - 1
        base = self._styles[0]
        visible = self._data.visible
        if not visible:
            if y == 1:
                empty = Segment(" " * GUTTER + self.empty_text, base + self._styles[4])
                return Strip([empty]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if position >= len(visible):
            return Strip.blank(width, base)
        index = visible[position]
        key = (index, position == self._cursor, position % 2 == 1)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(index, key[1], key[2], width)
            self._strips[key] = strip
        return strip

    def _prepare(self) -> None:
        """Refresh styles and column layout; drop cached strips when either changed."""
        styles = (
            self.rich_style,
            self.get_component_rich_style("virtual-table--header"),
            self.get_component_rich_style("virtual-table--cursor"),
            self.get_component_rich_style("virtual-table--even"),
            self.get_component_rich_style("virtual-table--empty"),
        )
        width = self.scrollable_content_region.width
        layout_key = (width, tuple(sorted(self._grown.items())))
        self._no_color = self.app.no_color
        if styles != self._styles or layout_key != self._layout_key:
            self._styles, self._layout_key = styles, layout_key
            self._layout = layout_columns(self._columns, width, self._grown)
            self._strips.clear()
            self._header = None

    def _render_header(self, width: int) -> Strip:
        base = self._styles[0] + self._styles[1]
        return header_strip(self._layout, width, base, self.sort_column, self.sort_reverse)

    def _render_row(self, index: int, cursor: bool, even: bool, width: int) -> Strip:
        base = self._styles[0] + self._styles[3] if even else self._styles[0]
        post = self._styles[2] if cursor else None
        row = self._data.rows[index]
        mark = CURSOR_MARK if cursor else (self.row_mark(row) if self.row_mark else "") or " "
        cells = CellPainter(self.app.console, self._no_color, self._grow)
        return cells.row_strip(row, self._layout, width, base, post, mark, self._mark_style)

    def _grow(self, key: str, length: int) -> None:
        if length > self._grown.get(key, 0):
            self._grown[key] = min(length, MAX_GROW)
            self.call_later(self.refresh)

    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _find_key(self, wanted: Hashable, near: int) -> int:
        """Position of the visible row with this row_key (checked at `near` first)."""
        assert self._row_key is not None
        rows, visible, row_key = self._data.rows, self._data.visible, self._row_key
        if 0 <= near < len(visible) and row_key(rows[visible[near]]) == wanted:
            return near
        found = next((n for n, i in enumerate(visible) if row_key(rows[i]) == wanted), None)
        return near if found is None else found

    def _schedule_warm(self) -> None:
        if self._data.rows and not self._warm_scheduled:  # after the paint: never delays it
            self._warm_scheduled = True
            self.call_after_refresh(self._warm, self._generation)

    def _warm(self, generation: int) -> None:
        """Build search text and sort keys in idle steps (keys are answered in between)."""
        if generation != self._generation:
            return  # replaced by set_rows, which started its own
        if self._data.warm_step(WARM_CHUNK):
            self.call_later(self._warm, generation)
        else:
            self._warm_scheduled = False

    def _changed(self, position: int) -> None:
        """After any data/filter/sort change: size, cursor, repaint, messages."""
        self._cursor = max(0, min(position, self.visible_count - 1))
        self.virtual_size = Size(self.size.width, self.visible_count + 1)
        self._header = None
        self.refresh()
        self._scroll_to_cursor()
        self._post_highlight()
        self.post_message(self.Changed(self))

    def _scroll_to_cursor(self) -> None:
        if not self._data.visible:
            return
        page, top = self._page_height(), round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + page:
            self.scroll_to(y=self._cursor - page + 1, animate=False)

    def _post_highlight(self) -> None:
        row = self.cursor_row
        state = (id(row), self.cursor_index)
        if state != self._last_highlight:
            self._last_highlight = state
            self.post_message(self.Highlighted(self, row, self.cursor_index))

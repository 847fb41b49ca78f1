"""What VirtualTable tells its screen: a row highlighted, a row chosen, counts changed."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class Highlighted(Message, namespace="virtual_table"):
    """The cursor row changed (also after set_rows, filter and sort)."""

    def __init__(self, table: Any, row: Any, index: int) -> None:
        super().__init__()
        self.table, self.row, self.index = table, row, index

    @property
    def control(self) -> Any:
        return self.table


class Selected(Message, namespace="virtual_table"):
    """A row was chosen (Enter, or a mouse click)."""

    def __init__(self, table: Any, row: Any) -> None:
        super().__init__()
        self.table, self.row = table, row

    @property
    def control(self) -> Any:
        return self.table


class Changed(Message, namespace="virtual_table"):
    """Counts, filter or sort changed: the screen updates its border title."""

    def __init__(self, table: Any) -> None:
        super().__init__()
        self.table = table

    @property
    def control(self) -> Any:
        return self.table

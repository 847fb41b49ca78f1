"""Find the line of a table or key in the config text, to pin errors to it.

Pydantic reports where a value sits as a `loc` path ("accounts", 2, "timeout"); TOML keeps
no positions, so this maps such a path back to a line by reading the headers and keys.
"""

from __future__ import annotations

import re
from functools import cached_property

_HEADER = re.compile(r"^\s*\[")


class Locator:
    """Lines of the config text, searched by table and key."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    @cached_property
    def _headers(self) -> list[int]:
        return [i for i, line in enumerate(self.lines) if _HEADER.match(line)]

    def table_span(self, table: str, occurrence: int = 0) -> tuple[int, int] | None:
        """0-based [start, end) lines of the n-th [table] or [[table]]."""
        name = re.escape(table)
        header = re.compile(rf"""^\s*\[\[?\s*(?:{name}|"{name}"|'{name}')\s*\]\]?""")
        starts = [i for i in self._headers if header.match(self.lines[i])]
        if occurrence >= len(starts):
            return None
        start = starts[occurrence]
        end = next((i for i in self._headers if i > start), len(self.lines))
        return start, end

    def key_line(self, span: tuple[int, int] | None, key: str | None) -> int | None:
        """1-based line of `key = ...` inside span, else the span's header line."""
        if span is None:
            return None
        start, end = span
        if key is not None:
            quoted = re.escape(key)
            pattern = re.compile(rf"""^\s*(?:{quoted}|"{quoted}"|'{quoted}')\s*=""")
            for index in range(start, end):
                if pattern.match(self.lines[index]):
                    return index + 1
        return start + 1

    def top_line(self, key: str) -> int | None:
        """1-based line where a top-level key or table first appears."""
        name = re.escape(key)
        table = rf"""\[\[?\s*["']?{name}["']?\s*[\].]"""  # [name], [[name]], [name.sub]
        pattern = re.compile(rf"""^\s*(?:{table}|["']?{name}["']?\s*[=.])""")
        for index, line in enumerate(self.lines):
            if pattern.match(line):
                return index + 1
        return None

    def line_of(self, loc: tuple[str | int, ...]) -> int | None:
        """The line of a pydantic loc: ("accounts", 1, "timeout") or ("ui", "theme")."""
        if not loc:
            return None
        table = str(loc[0])
        if table == "accounts" and len(loc) > 1 and isinstance(loc[1], int):
            key = str(loc[2]) if len(loc) > 2 else None
            return self.key_line(self.table_span("accounts", loc[1]), key)
        span = self.table_span(table)
        if span is None or len(loc) == 1:
            return self.top_line(table)
        return self.key_line(span, str(loc[1]))

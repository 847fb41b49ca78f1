"""The data behind VirtualTable: rows plus integer orderings for sort and filter (no Textual).

Sorting and filtering rearrange lists of row numbers, never row objects or widgets; sort keys
and lower-cased search text are computed once per row and kept alongside the rows.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from itertools import compress, islice, repeat
from operator import is_, is_not
from typing import Any, Generic, TypeVar

R = TypeVar("R")

# Appending more than 1/MERGE_FRACTION of the current rows re-sorts (timsort merges the two
# sorted runs in O(n)); smaller pages are placed by binary search, O(k log n) + one copy.
MERGE_FRACTION = 16
# Decimal sort keys become exact integers in units of 10**-SCALE (faster to compare than
# Decimals, and exact, unlike floats); a value with more places keeps an exact Decimal.
SCALE = 6


def exact_key(value: Decimal | None) -> int | Decimal | None:
    """value * 10**SCALE as an int when that is exact, else as a Decimal; None if not finite.

    Ints and Decimals compare exactly with each other, so one column may hold both.
    """
    if value is None or not value.is_finite():
        return None
    scaled = value.scaleb(SCALE)
    whole = int(scaled)
    return whole if whole == scaled else scaled


class RowIndex(Generic[R]):
    """All rows in arrival order, the sorted order and the filtered (visible) order."""

    def __init__(
        self, search_text: Callable[[R], str], sort_keys: Mapping[str, Callable[[R], Any]]
    ) -> None:
        self._search_text = search_text
        self._sort_keys = dict(sort_keys)
        self.rows: list[R] = []
        self.visible: list[int] = []  # row numbers shown, in display order
        self.hay: list[str] = []  # lower-cased search text per row, built lazily
        self.needle = ""  # lower-cased filter
        self.sort_column: str | None = None
        self.sort_reverse = False
        self._keys: dict[str, list[Any]] = {}  # sort keys per column, aligned with rows
        self._exact: dict[str, list[Any]] = {}  # Decimal keys as exact_key(), to sort faster
        self._order: list[int] | None = None  # all rows in sort order (None: arrival)
        self._orders: dict[tuple[str, bool], list[int]] = {}  # sorts done on this data
        self._warm = False

    # ------------------------------------------------------------------ changes

    def set_rows(self, rows: Sequence[R]) -> None:
        self.rows = list(rows)
        self.hay, self._keys, self._exact, self._orders = [], {}, {}, {}
        self._warm = False
        self._order = None
        if self.sort_column is not None:
            self._order = self._sorted(list(range(len(self.rows))))
            self._orders[(self.sort_column, self.sort_reverse)] = self._order
        self.visible = self._filtered(self._base())

    def append(self, rows: Sequence[R]) -> None:
        """Add rows at the end of arrival order; sorted and filtered views take them in place."""
        start = len(self.rows)
        self.rows.extend(rows)
        self._orders.clear()
        self._warm = False
        new = list(range(start, len(self.rows)))
        matches = self._filtered(new)
        if self._order is None:
            self.visible = self.visible + matches
            return
        self._order = self._merged(self._order, new)
        self.visible = self._merged(self.visible, matches) if self.needle else self._order

    def set_filter(self, text: str) -> bool:
        """Filter on a case-insensitive substring; True when the filter widened (or cleared)."""
        needle = text.lower()
        old, self.needle = self.needle, needle
        if old and old in needle:  # narrowing: refine the previous result
            self.visible = self._filtered(self.visible)
        else:
            self.visible = self._filtered(self._base())
        return needle in old

    def sort(self, column: str | None, reverse: bool = False) -> None:
        if column is not None and column not in self._sort_keys:
            raise ValueError(f"column {column!r} cannot be sorted")
        self.sort_column, self.sort_reverse = column, reverse
        self._order = None
        if column is not None:
            order = self._orders.get((column, reverse))
            if order is None:
                order = self._sorted(list(range(len(self.rows))))
                self._orders[(column, reverse)] = order
            self._order = order
        self.visible = self._filtered(self._base())

    # ------------------------------------------------------------------ search text

    def ensure_haystacks(self, upto: int | None = None) -> None:
        hay, end = self.hay, len(self.rows) if upto is None else upto
        if len(hay) < end:
            search = self._search_text
            hay.extend(search(r).lower() for r in islice(self.rows, len(hay), end))

    @property
    def warm(self) -> bool:
        """warm_step has built search text and sort keys for every row."""
        return self._warm

    def warm_step(self, chunk: int) -> bool:
        """Build up to `chunk` rows of search text, then of sort keys; False when all built.

        Run while idle after data arrives, so the first filter keystroke and the first sort
        of any column pay only for the scan and the sort.
        """
        if len(self.hay) < len(self.rows):
            self.ensure_haystacks(min(len(self.rows), len(self.hay) + chunk))
            return True
        for column, key in self._sort_keys.items():
            keys = self._keys.setdefault(column, [])
            if len(keys) < len(self.rows):
                keys.extend(map(key, islice(self.rows, len(keys), len(keys) + chunk)))
                return True
            done = len(self._exact.get(column, ()))
            if done < len(keys) and self._exact_keys(column, done + chunk) is not None:
                return True
        self._warm = True
        return False

    # ------------------------------------------------------------------ internals

    def position_of(self, row_number: int) -> int | None:
        try:
            return self.visible.index(row_number)
        except ValueError:
            return None

    def _base(self) -> list[int]:
        return self._order if self._order is not None else list(range(len(self.rows)))

    def _column_keys(self) -> list[Any]:
        """The current column's sort keys (exact integers for Decimal columns)."""
        assert self.sort_column is not None
        keys = self._keys.setdefault(self.sort_column, [])
        if len(keys) < len(self.rows):
            keys.extend(map(self._sort_keys[self.sort_column], islice(self.rows, len(keys), None)))
        exact = self._exact_keys(self.sort_column)
        return keys if exact is None else exact

    def _exact_keys(self, column: str, upto: int | None = None) -> list[Any] | None:
        """The column's Decimal keys through exact_key() (None if its keys are not Decimal).

        Scaling by a power of ten keeps the order exactly (no float rounding), and a NaN or
        infinity sorts with the missing values instead of breaking the comparison.
        """
        keys = self._keys.get(column, [])
        exact = self._exact.get(column)
        if exact is None:
            if not isinstance(next((k for k in keys if k is not None), None), Decimal):
                return None
            exact = self._exact[column] = []
        end = len(keys) if upto is None else min(len(keys), upto)
        if len(exact) < end:
            exact.extend(map(exact_key, islice(keys, len(exact), end)))
        return exact

    def _sorted(self, indices: list[int]) -> list[int]:
        """Indices in sort order; None keys last in both directions; ties keep their order."""
        if self.sort_column is None:
            return indices
        keys, reverse = self._column_keys(), self.sort_reverse
        get = keys.__getitem__
        nulls: list[int] = []
        if any(map(is_, keys, repeat(None))):  # C loops (`None in keys` is slow on Decimal)
            values = list(compress(indices, map(is_not, map(get, indices), repeat(None))))
            nulls = list(compress(indices, map(is_, map(get, indices), repeat(None))))
        else:
            values = list(indices)
        values.sort(key=get, reverse=reverse)
        return values + nulls

    def _merged(self, existing: list[int], new: list[int]) -> list[int]:
        """`existing` (sorted) with `new` (later rows) placed after their equals.

        Insertion points come from C bisect over an ascending run: for a descending sort that
        run is the reversed list, whose ties are newest first, so new rows go before equals.
        """
        if len(new) * MERGE_FRACTION > len(existing):
            return self._sorted(existing + new)
        keys, reverse = self._column_keys(), self.sort_reverse
        lo, hi = 0, len(existing)
        while lo < hi:  # start of the None block at the end
            mid = (lo + hi) // 2
            if keys[existing[mid]] is None:
                hi = mid
            else:
                lo = mid + 1
        values, nulls = existing[:lo], existing[lo:]
        incoming = [i for i in new if keys[i] is not None]
        new_nulls = [i for i in new if keys[i] is None] if len(incoming) < len(new) else []
        get = keys.__getitem__
        if reverse:
            values.reverse()
            incoming.reverse()
        incoming.sort(key=get)
        place = bisect_left if reverse else bisect_right
        out: list[int] = []
        done = 0
        for row in incoming:
            at = place(values, keys[row], done, key=get)
            out += values[done:at]
            out.append(row)
            done = at
        out += values[done:]
        if reverse:
            out.reverse()
        return out + nulls + new_nulls

    def _filtered(self, indices: list[int]) -> list[int]:
        needle = self.needle
        if not needle:
            return indices
        self.ensure_haystacks()
        hay = self.hay
        if self._order is None or len(indices) < len(hay) // 2:
            return [i for i in indices if needle in hay[i]]
        # Most rows in sorted order: scan the haystacks in memory order (cache friendly),
        # then keep the sorted order through a compact mask.
        mask = bytearray(len(hay))
        for i in [i for i, text in enumerate(hay) if needle in text]:
            mask[i] = 1
        return [i for i in indices if mask[i]]

"""Accounting periods on the command line: a month (YYYY-MM), a quarter (YYYY-Qn) or a year."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    """An inclusive range of months, with the label the user gave (normalized)."""

    label: str  # "2026-10", "2026-Q3", "2026"
    first: str  # YYYY-MM
    last: str  # YYYY-MM

    def contains(self, month: str | None) -> bool:
        return month is not None and self.first <= month <= self.last


def parse_period(text: str) -> Period:
    """YYYY-MM, YYYY-Qn or YYYY; ValueError with a message a user can act on."""
    value = text.strip()
    if match := _MONTH.match(value):
        return Period(value, value, value)
    if match := _QUARTER.match(value):
        year, quarter = match.group(1), int(match.group(2))
        first, last = 3 * quarter - 2, 3 * quarter
        return Period(f"{year}-Q{quarter}", f"{year}-{first:02d}", f"{year}-{last:02d}")
    if match := _YEAR.match(value):
        year = match.group(1)
        return Period(year, f"{year}-01", f"{year}-12")
    raise ValueError(
        f"{text!r} is not a period; use a month (2026-10), a quarter (2026-Q3) or a year (2026)"
    )

"""Shared anchors for deterministic demo data."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

# Demo data is generated relative to this instant, never the real clock, so it never changes.
DEMO_NOW = datetime(2026, 11, 15, 12, 0, 0, tzinfo=UTC)
DEMO_TODAY = DEMO_NOW.date()


def rng(seed: str) -> random.Random:
    """A random generator seeded from a stable string (hash() is salted per process)."""
    return random.Random(sum((i + 1) * ord(c) for i, c in enumerate(seed)))


def months_back(count: int, end: date = DEMO_TODAY) -> list[tuple[int, int]]:
    """(year, month) pairs, oldest first, ending with end's month."""
    year, month = end.year, end.month
    out: list[tuple[int, int]] = []
    for _ in range(count):
        out.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]

"""Day-boundary rules for period dates: CONTRACT.md writes day boundaries as days."""

from __future__ import annotations

from datetime import UTC, date, datetime

from invoicetui.core import parse


def test_midnight_start_is_a_day() -> None:
    assert parse.period_start("2024-05-01T00:00:00.000Z") == date(2024, 5, 1)


def test_start_with_a_time_stays_a_timestamp() -> None:
    assert parse.period_start("2024-05-01T09:30:00Z") == datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def test_start_in_another_offset_is_taken_in_utc() -> None:
    # 2024-05-01T02:00+02:00 is midnight UTC: the UTC day.
    assert parse.period_start("2024-05-01T02:00:00+02:00") == date(2024, 5, 1)


def test_end_of_day_is_that_day() -> None:
    assert parse.period_end("2024-05-31T23:59:59Z") == date(2024, 5, 31)
    assert parse.period_end("2024-05-31T23:59:59.999999Z") == date(2024, 5, 31)


def test_exclusive_midnight_end_is_the_day_before() -> None:
    assert parse.period_end("2024-07-01T00:00:00Z", exclusive=True) == date(2024, 6, 30)
    assert parse.period_end("2025-04-01T00:00:00Z") == date(2025, 4, 1)


def test_unreadable_boundaries_are_none() -> None:
    for value in (None, "", "soon", 5, "2024-13-01T00:00:00Z"):
        assert parse.period_start(value) is None
        assert parse.period_end(value) is None

"""A record kept-and-marked keeps its problems (the table's "!") through the cache's list."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from invoicetui.cache import Cache, fingerprint
from invoicetui.core.model import AccountSnapshot, Invoice, LineItem, Status

T0 = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
NAN = "total: not a finite decimal (NaN)"


@pytest.fixture
def warnings() -> list[str]:
    return []


@pytest.fixture
def cache(tmp_path: Path, warnings: list[str]) -> Cache:
    return Cache(tmp_path / "cache", warn=warnings.append)


def invoices() -> list[Invoice]:
    def one(n: int, *problems: str, detailed: bool = False) -> Invoice:
        items = (LineItem(f"item {n}", amount=Decimal(n)),) if detailed else ()
        return Invoice(
            "acct", "waldur", f"inv-{n}", status=Status.PAID, total=Decimal(n),
            line_items=items, detailed=detailed, problems=problems,
        )  # fmt: skip

    return [
        one(0),
        one(1, NAN),
        one(2),
        one(3, "issued: not a date (year 1)", "id: empty", detailed=True),
    ]


def save(cache: Cache, rows: list[Invoice]) -> None:
    cache.save(AccountSnapshot("acct", "waldur", tuple(rows), T0))


def problems_of(cache: Cache, *, details: bool = False) -> list[tuple[str, ...]]:
    loaded = cache.load("acct", details=details)
    assert loaded is not None
    return [inv.problems for inv in loaded.invoices]


def test_problems_round_trip_in_the_list_summaries_and_in_the_details(cache: Cache) -> None:
    rows = invoices()
    save(cache, rows)
    expected = [inv.problems for inv in rows]
    assert problems_of(cache) == expected  # summaries only: what the TUI paints first
    assert problems_of(cache, details=True) == expected
    detail = cache.load_invoice("acct", "inv-3")
    assert detail is not None and detail.problems == rows[3].problems


def test_the_problems_record_leaves_fingerprints_and_other_lists_alone(cache: Cache) -> None:
    rows = invoices()
    before = [fingerprint(inv) for inv in rows]
    save(cache, rows)
    assert [fingerprint(inv) for inv in rows] == before
    save(cache, [inv for inv in rows if not inv.problems])  # nothing to store: no record
    with closing(sqlite3.connect(cache.path_for("acct"))) as con:
        fields = {field for (field,) in con.execute("SELECT field FROM list_columns")}
    assert "problems" not in fields
    assert problems_of(cache) == [(), ()]


def test_a_cache_written_before_problems_were_stored_still_loads(
    cache: Cache, warnings: list[str]
) -> None:
    save(cache, invoices())
    with closing(sqlite3.connect(cache.path_for("acct"))) as con, con:
        con.execute("DELETE FROM list_columns WHERE field = 'problems'")  # list format 1
        con.execute("DELETE FROM meta WHERE key = 'list_format'")
    assert problems_of(cache) == [(), (), (), ()]  # loads, unmarked, as it did then
    assert warnings == []


def test_problems_in_a_hand_edited_file_are_cleaned(cache: Cache) -> None:
    save(cache, invoices())
    edited = '{"1":["\\u001b[31mred\\u0007 \\u202etxt"]}'
    with closing(sqlite3.connect(cache.path_for("acct"))) as con, con:
        con.execute("UPDATE list_columns SET text = ? WHERE field = 'problems'", (edited,))
    assert problems_of(cache)[1] == ("red txt",)  # the escape sequence and bidi control gone


@pytest.mark.parametrize("text", ["[1]", '{"9":["x"]}', '{"x":["y"]}', '{"1":"x"}', "{"])
def test_a_damaged_problems_record_is_treated_as_damage(
    cache: Cache, warnings: list[str], text: str
) -> None:
    save(cache, invoices())
    with closing(sqlite3.connect(cache.path_for("acct"))) as con, con:
        con.execute("UPDATE list_columns SET text = ? WHERE field = 'problems'", (text,))
    assert cache.load("acct") is None
    assert len(warnings) == 1

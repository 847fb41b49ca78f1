"""Stored change sets: round trip, survive a new Cache (a restart), tolerant of damage."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from insight_factory import make

from invoicetui.cache import Cache
from invoicetui.core.model import AccountSnapshot, Status
from invoicetui.service.insight.changes import diff

T0 = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
T1 = datetime(2026, 11, 15, 14, 2, tzinfo=UTC)


def test_changes_round_trip_and_survive_a_restart(tmp_path: Path) -> None:
    changes = diff([make("a", status=Status.OPEN)], [make("a", status=Status.PAID), make("b")])
    cache = Cache(tmp_path)
    cache.save(AccountSnapshot("acme", "doit", (make("a"),), T0))
    cache.save_changes("acme", changes, T1, since=T0)
    cache.save(AccountSnapshot("acme", "doit", (make("a"), make("b")), T1))  # keeps them
    saved = Cache(tmp_path).load_changes("acme")
    assert saved is not None
    assert (saved.changes, saved.at, saved.since) == (changes, T1, T0)
    assert Cache(tmp_path).load_changes("nobody") is None
    cache.clear("acme")
    assert cache.load_changes("acme") is None


def test_unreadable_changes_warn_once_and_keep_the_invoices(tmp_path: Path) -> None:
    warnings: list[str] = []
    cache = Cache(tmp_path, warn=warnings.append)
    cache.save(AccountSnapshot("acme", "doit", (make("a"),), T0))
    cache.save_changes("acme", diff([], [make("a")]), T1)
    for bad in ("{not json", '{"at": "2026-11-15T14:02:00"}', '{"at": 1}', "[]",
                '{"at": "2026-11-15T14:02:00+00:00", "changes": {"version": 99}}'):  # fmt: skip
        with closing(sqlite3.connect(cache.path_for("acme"))) as con, con:
            con.execute("UPDATE meta SET value = ? WHERE key = 'changes'", (bad,))
        assert cache.load_changes("acme") is None, bad
    assert len(warnings) == 1 and "changes stored for account 'acme'" in warnings[0]
    loaded = cache.load("acme")
    assert loaded is not None and [i.id for i in loaded.invoices] == ["a"]


def test_changes_without_since_mean_a_first_look(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.save_changes("fresh", diff([], []), T1)
    saved = cache.load_changes("fresh")
    assert saved is not None and saved.since is None and not saved.changes
